#!/usr/bin/env bash
# The README's customer walk-through, as it is there (test/e2e/walkthroughs.test.ts runs it and checks the copy).
set -euo pipefail

API="${API_URL:-http://localhost:3000/v1}"   # npm start's address
# json FIELD: one field of the JSON on standard input (a.b, list.0.id); fails, showing the JSON, when it is absent.
json() { node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{let v;try{v=process.argv[1].split(".").reduce((o,k)=>o?.[k],JSON.parse(s))}catch{}if(v==null){console.error(`no ${process.argv[1]} in: ${s}`);process.exit(1)}console.log(typeof v==="object"?JSON.stringify(v):v)})' "$1"; }

# 1. Register (a new email each run) and sign in.
EMAIL="ada-$(node -e 'console.log(Date.now())')@example.com"
PASSWORD='Sup3r-secret!'
ME=$(curl -sS -X POST "$API/users/register" -H 'content-type: application/json' \
  -d "{\"name\":\"Ada\",\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"phoneNumber\":\"+14155550123\",\"address\":\"1 Main St\"}" | json userId)
LOGIN=$(curl -sS -X POST "$API/users/login" -H 'content-type: application/json' -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}")
TOKEN=$(echo "$LOGIN" | json token)
REFRESH=$(echo "$LOGIN" | json refreshToken)
echo "registered and signed in: $EMAIL ($ME)"

# 2. Verify the email with the 6-digit code it was sent (locally, emails land in the mailbox), then refresh
#    the token: booking and paying need a verified email, and the check reads the token.
CODE=$(curl -sS "${API%/v1}/_local/mailbox?to=$EMAIL" | json 0.text | node -e 'process.stdin.on("data", (d) => console.log(/\b\d{6}\b/.exec(d)[0]))')
VERIFIED=$(curl -sS -X POST "$API/users/me/email/verify" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d "{\"code\":\"$CODE\"}" | json emailVerified)
echo "email verified: $VERIFIED"
TOKEN=$(curl -sS -X POST "$API/users/token/refresh" -H 'content-type: application/json' -d "{\"refreshToken\":\"$REFRESH\"}" | json token)

# 3. Search: location, startDate and endDate (the return day) are required. Three days, two weeks from now.
START=$(node -e 'console.log(new Date(Date.now() + 14 * 864e5).toISOString().slice(0, 10))')
END=$(node -e 'console.log(new Date(Date.now() + 17 * 864e5).toISOString().slice(0, 10))')
CAR=$(curl -sS "$API/cars?location=LAX&startDate=$START&endDate=$END&sort=price" | json cars.0.carId)
echo "car: $CAR"

# 4. Book, waiting up to 10 s for the decision: Pending means held for you (5 minutes) until you pay.
#    Not decided in time, it is Requested (202): read it until it is.
BOOKING=$(curl -sS -X POST "$API/reservations" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -H 'Prefer: wait=10' -d "{\"carId\":\"$CAR\",\"startDate\":\"$START\",\"endDate\":\"$END\"}")
RES=$(echo "$BOOKING" | json reservationId)
while [ "$(echo "$BOOKING" | json status)" = Requested ]; do
  sleep 1
  BOOKING=$(curl -sS "$API/reservations/$RES" -H "authorization: Bearer $TOKEN")
done
echo "reservation: $RES $(echo "$BOOKING" | json status), total $(echo "$BOOKING" | json totalPrice)"

# 5. Pay the quoted total (the local sandbox gateway: no money moves; tok_visa succeeds). The key makes a retry safe.
PAYMENT=$(curl -sS -X POST "$API/payments" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -H "Idempotency-Key: $(node -e 'console.log(crypto.randomUUID())')" \
  -d "{\"reservationId\":\"$RES\",\"amount\":$(echo "$BOOKING" | json totalPrice),\"paymentMethod\":\"credit_card\",\"details\":{\"cardToken\":\"tok_visa\"}}" | json paymentId)
echo "paid: $PAYMENT"

# 6. Rental history, newest pick-up first: the paid reservation is Confirmed.
curl -sS "$API/users/$ME/reservations" -H "authorization: Bearer $TOKEN" | json reservations.0 | node -e \
  'process.stdin.on("data", (d) => { const r = JSON.parse(d); console.log(`history: ${r.reservationId} ${r.status} ${r.startDate}..${r.endDate}`) })'
