#!/usr/bin/env bash
# The README's admin walk-through, as it is there (test/e2e/walkthroughs.test.ts runs it and checks the copy).
set -euo pipefail

API="${API_URL:-http://localhost:3000/v1}"   # npm start's address
# json FIELD: one field of the JSON on standard input (a.b, list.0.id); fails, showing the JSON, when it is absent.
json() { node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{let v;try{v=process.argv[1].split(".").reduce((o,k)=>o?.[k],JSON.parse(s))}catch{}if(v==null){console.error(`no ${process.argv[1]} in: ${s}`);process.exit(1)}console.log(typeof v==="object"?JSON.stringify(v):v)})' "$1"; }

# 1. The seeded admin: npm start prints its password and TOTP secret, and keeps them in a file named
#    after its port that only you can read (<temp folder>/car-rental-local/<port>.json).
RUNTIME_FILE=$(node -e 'console.log(require("path").join(require("os").tmpdir(), "car-rental-local", new URL(process.argv[1]).port + ".json"))' "$API")
ADMIN_EMAIL=$(json admin.email < "$RUNTIME_FILE")
ADMIN_PASSWORD=$(json admin.password < "$RUNTIME_FILE")
TOTP_SECRET=$(json admin.totpSecret < "$RUNTIME_FILE")

# 2. Sign in: the password answers with an MFA challenge, a TOTP code answers that. The code is what an
#    authenticator app shows for the secret; here otplib (in the repository's node_modules) computes it.
SESSION=$(curl -sS -X POST "$API/users/login" -H 'content-type: application/json' \
  -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" | json session)
CODE=$(node -e 'require("otplib").generate({ secret: process.argv[1] }).then(console.log)' "$TOTP_SECRET")
ADMIN=$(curl -sS -X POST "$API/users/login/mfa" -H 'content-type: application/json' \
  -d "{\"session\":\"$SESSION\",\"code\":\"$CODE\"}" | json token)

# 3. Add a car to the fleet.
CAR=$(curl -sS -X POST "$API/cars" -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' \
  -d '{"make":"Toyota","model":"RAV4","year":2025,"type":"SUV","location":"SEA","rentalPricePerDay":79.5,"seats":5}' | json carId)
echo "car: $CAR"

# 4. Take it out of service for maintenance, three days a week from now: it can be neither found nor booked then.
FROM=$(node -e 'console.log(new Date(Date.now() + 7 * 864e5).toISOString().slice(0, 10))')
TO=$(node -e 'console.log(new Date(Date.now() + 10 * 864e5).toISOString().slice(0, 10))')
BLOCK=$(curl -sS -X POST "$API/cars/$CAR/blocks" -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' \
  -d "{\"startDate\":\"$FROM\",\"endDate\":\"$TO\",\"reason\":\"Annual service\"}" | json blockId)
echo "maintenance block: $BLOCK ($FROM to $TO)"
