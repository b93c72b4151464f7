#!/usr/bin/env bash
# The counter on API v2 (docs/counter.md): a whole rental, booked to pay at pick-up, picked up, extended,
# returned late with less fuel, and its receipt. It moves the local runtime's clock forward (POST /_local/clock, npm start only), so it runs
# against a runtime of its own in the tests (test/e2e/counter.clock.test.ts runs it).
set -euo pipefail

API="${API_URL:-http://localhost:3000/v2}"   # npm start's address, v2
LOCAL="${API%/v2}/_local"
# json FIELD: one field of the JSON on standard input (a.b, list.0.id); fails, showing the JSON, when it is absent.
json() { node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{let v;try{v=process.argv[1].split(".").reduce((o,k)=>o?.[k],JSON.parse(s))}catch{}if(v==null){console.error(`no ${process.argv[1]} in: ${s}`);process.exit(1)}console.log(typeof v==="object"?JSON.stringify(v):v)})' "$1"; }
post() { curl -sS -X POST "$API$1" -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' "${@:3}" -d "$2"; }

# 1. The seeded admin signs in with its TOTP code (as in the admin walk-through). Admins may do all an agent
#    does; an agent is appointed with PUT /v2/users/{userId}/agent {"locations":["LAX"]} and signs in the same way.
RUNTIME_FILE=$(node -e 'console.log(require("path").join(require("os").tmpdir(), "car-rental-local", new URL(process.argv[1]).port + ".json"))' "$API")
ADMIN_EMAIL=$(json admin.email < "$RUNTIME_FILE")
SESSION=$(curl -sS -X POST "$API/users/login" -H 'content-type: application/json' \
  -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$(json admin.password < "$RUNTIME_FILE")\"}" | json session)
CODE=$(node -e 'require("otplib").generate({ secret: process.argv[1] }).then(console.log)' "$(json admin.totpSecret < "$RUNTIME_FILE")")
ADMIN=$(curl -sS -X POST "$API/users/login/mfa" -H 'content-type: application/json' -d "{\"session\":\"$SESSION\",\"code\":\"$CODE\"}" | json token)

# 2. The admin rents for themself this time: the driver's details, and a car at LAX.
EXPIRES=$(node -e 'console.log(new Date(Date.now() + 5 * 365 * 864e5).toISOString().slice(0, 10))')
curl -sS -X PATCH "$API/users/me" -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' \
  -d "{\"dateOfBirth\":\"1985-06-01\",\"licence\":{\"number\":\"C7654-321\",\"country\":\"US\",\"expiresOn\":\"$EXPIRES\"}}" >/dev/null
CAR=$(post /cars '{"make":"Honda","model":"Civic","year":2025,"type":"SEDAN","location":"LAX","rentalPricePerDay":58}' | json carId)

# 3. Book from two hours from now (the runtime's clock) for three hours, LAX's local time, to pay at pick-up: the
#    payment authorises the total, which the pick-up captures.
NOW=$(curl -sS "$LOCAL/clock" | json now)
lax() { node -e 'const t = new Date(Date.parse(process.argv[1]) + process.argv[2] * 36e5);
  console.log(new Intl.DateTimeFormat("sv-SE", { timeZone: "America/Los_Angeles", dateStyle: "short", timeStyle: "short" }).format(t).replace(" ", "T"))' "$NOW" "$1"; }
BOOKING=$(post /reservations "{\"carId\":\"$CAR\",\"pickupAt\":\"$(lax 2)\",\"returnAt\":\"$(lax 5)\",\"paymentOption\":\"payAtPickup\"}" -H 'Prefer: wait=10')
RES=$(echo "$BOOKING" | json reservationId)
post /payments "{\"reservationId\":\"$RES\",\"amount\":$(echo "$BOOKING" | json totalPrice),\"paymentMethod\":\"credit_card\",\"details\":{\"cardToken\":\"tok_visa\"}}" \
  -H "Idempotency-Key: $(node -e 'console.log(crypto.randomUUID())')" >/dev/null
echo "reservation: $RES $(echo "$BOOKING" | json pickupAt) to $(echo "$BOOKING" | json returnAt), total $(echo "$BOOKING" | json totalPrice), deposit $(echo "$BOOKING" | json terms.deposit)"

# 4. 75 minutes later (the counter opens an hour before the pick-up time): the agent hands the car over,
#    records the odometer and a full tank, and authorises the deposit on the customer's card.
curl -sS -X POST "$LOCAL/clock?advanceSeconds=4500" >/dev/null
OUT=$(post "/reservations/$RES/pickup" '{"odometerKm":12000,"fuelLevel":8,"deposit":{"paymentMethod":"credit_card","details":{"cardToken":"tok_visa"}}}')
echo "picked up: $(echo "$OUT" | json status) at $(echo "$OUT" | json pickup.at)"

# 5. The customer keeps the car an hour longer: the extension is re-priced and the difference paid with the same card.
EXTENDED=$(curl -sS -X PATCH "$API/reservations/$RES" -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' \
  -d "{\"returnAt\":\"$(lax 6)\",\"payment\":{\"paymentMethod\":\"credit_card\",\"details\":{\"cardToken\":\"tok_visa\"}}}")
echo "extended: to $(echo "$EXTENDED" | json returnAt), total $(echo "$EXTENDED" | json totalPrice), charged $(echo "$EXTENDED" | json change.charged)"

# 6. Back 1 h 45 min after the new return time, with 5/8 of a tank and 420 km: the return's charges are lines.
curl -sS -X POST "$LOCAL/clock?advanceSeconds=$(((45 + 5 * 60 + 45) * 60))" >/dev/null
BACK=$(post "/reservations/$RES/return" '{"odometerKm":12420,"fuelLevel":5}')
echo "returned: $(echo "$BACK" | json status)"
echo "$BACK" | json charges | node -e 'process.stdin.on("data", (d) => JSON.parse(d).forEach((l) =>
  console.log(`charge: ${l.code.padEnd(12)} ${String(l.quantity).padStart(2)} x ${String(l.unitAmount).padStart(6)} = ${String(l.amount).padStart(7)}  ${l.label}`)))'
echo "settled: paid $(echo "$BACK" | json settlement.paid), charged $(echo "$BACK" | json settlement.chargedNow) from the deposit, released $(echo "$BACK" | json settlement.released)"

# 7. The receipt, in the local mailbox.
echo "receipt: $(curl -sS "$LOCAL/mailbox?to=$ADMIN_EMAIL" | json 0.subject)"
