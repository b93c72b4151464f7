#!/usr/bin/env bash
# The customer walk-through on API v2: times, not days (test/e2e/walkthroughs.test.ts runs it).
set -euo pipefail

API="${API_URL:-http://localhost:3000/v2}"   # npm start's address, v2
# json FIELD: one field of the JSON on standard input (a.b, list.0.id); fails, showing the JSON, when it is absent.
json() { node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{let v;try{v=process.argv[1].split(".").reduce((o,k)=>o?.[k],JSON.parse(s))}catch{}if(v==null){console.error(`no ${process.argv[1]} in: ${s}`);process.exit(1)}console.log(typeof v==="object"?JSON.stringify(v):v)})' "$1"; }

# 1. Register (a new email each run), sign in, verify the email with the code from the local mailbox, refresh the token.
EMAIL="grace-$(node -e 'console.log(Date.now())')@example.com"
PASSWORD='Sup3r-secret!'
ME=$(curl -sS -X POST "$API/users/register" -H 'content-type: application/json' \
  -d "{\"name\":\"Grace\",\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"phoneNumber\":\"+14155550123\",\"address\":\"1 Main St\"}" | json userId)
LOGIN=$(curl -sS -X POST "$API/users/login" -H 'content-type: application/json' -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}")
TOKEN=$(echo "$LOGIN" | json token)
echo "registered and signed in: $EMAIL ($ME)"
CODE=$(curl -sS "${API%/v2}/_local/mailbox?to=$EMAIL" | json 0.text | node -e 'process.stdin.on("data", (d) => console.log(/\b\d{6}\b/.exec(d)[0]))')
VERIFIED=$(curl -sS -X POST "$API/users/me/email/verify" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d "{\"code\":\"$CODE\"}" | json emailVerified)
echo "email verified: $VERIFIED"
TOKEN=$(curl -sS -X POST "$API/users/token/refresh" -H 'content-type: application/json' \
  -d "{\"refreshToken\":\"$(echo "$LOGIN" | json refreshToken)\"}" | json token)

# 1b. The driver: a v2 booking is sold only to a driver the location's rules allow (minimum age for the car
#     type, a licence valid until the return), read from the profile (personal data: only you and admins see it).
EXPIRES=$(node -e 'console.log(new Date(Date.now() + 5 * 365 * 864e5).toISOString().slice(0, 10))')
DRIVER=$(curl -sS -X PATCH "$API/users/me" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d "{\"dateOfBirth\":\"1990-04-12\",\"licence\":{\"number\":\"D1234-5678\",\"country\":\"US\",\"expiresOn\":\"$EXPIRES\"}}")
echo "driver: born $(echo "$DRIVER" | json dateOfBirth), licence until $(echo "$DRIVER" | json licence.expiresOn)"

# 2. Search by time: local date-times at the pick-up location (LAX's desk is open around the clock).
#    Three weeks from now, 10:00 to 10:00 three days later: each car comes with the rental's total price.
DAY=$(node -e 'console.log(new Date(Date.now() + 21 * 864e5).toISOString().slice(0, 10))')
BACK=$(node -e 'console.log(new Date(Date.now() + 24 * 864e5).toISOString().slice(0, 10))')
FOUND=$(curl -sS "$API/cars?location=LAX&pickupAt=${DAY}T10:00&returnAt=${BACK}T10:00&sort=price")
CAR=$(echo "$FOUND" | json cars.0.carId)
echo "car: $CAR, $(echo "$FOUND" | json days) days, total $(echo "$FOUND" | json cars.0.totalPrice) $(echo "$FOUND" | json currency)"

# 2b. A quote: the rental priced line by line, valid 15 minutes. Without extras its total is the search's
#     (rates, season, weekend, LAX's airport fee and sales tax). With choices it has a line each: returned at
#     SEA (one-way drop fee), a child seat, a 23-year-old driver (young-driver fee). A signed-in customer's age
#     comes from their profile's date of birth; this one is asked anonymously, so it says driverAge.
quote() { curl -sS -X POST "$API/quotes" -H 'content-type: application/json' -d "$1"; }
RENTAL="\"carId\":\"$CAR\",\"pickupAt\":\"${DAY}T10:00\",\"returnAt\":\"${BACK}T10:00\""
PLAIN=$(quote "{$RENTAL}")
echo "quote: total $(echo "$PLAIN" | json total)"
QUOTE=$(quote "{$RENTAL,\"returnLocation\":\"SEA\",\"extras\":[{\"code\":\"CHILD_SEAT\",\"quantity\":1}],\"driverAge\":23}")
echo "$QUOTE" | json lines | node -e 'process.stdin.on("data", (d) => JSON.parse(d).forEach((l) =>
  console.log(`line: ${l.code.padEnd(18)} ${String(l.quantity).padStart(2)} x ${String(l.unitAmount).padStart(8)} = ${String(l.amount).padStart(8)}  ${l.label}`)))'
echo "quoted: $(echo "$QUOTE" | json quoteId), subtotal $(echo "$QUOTE" | json subtotal), tax $(echo "$QUOTE" | json taxTotal), total $(echo "$QUOTE" | json total) $(echo "$QUOTE" | json currency), until $(echo "$QUOTE" | json expiresAt)"

# 3. book BODY: books, waiting up to 10 s for the decision, and prints the reservation. The body is a quote
#    ({"quoteId": ...}: its car, times and extras at its total) or a car and times (priced now as a quote would be).
#    201 is held (Pending: pay within 5 minutes); 409 is refused, with the reservation that says why;
#    202 is not decided yet: read it until it is.
book() {
  local answer id reservation
  answer=$(curl -sS -X POST "$API/reservations" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -H 'Prefer: wait=10' -d "$1")
  id=$(echo "$answer" | json reservationId 2>/dev/null || echo "$answer" | json error.details.reservation.reservationId)
  while reservation=$(curl -sS "$API/reservations/$id" -H "authorization: Bearer $TOKEN") &&
    [ "$(echo "$reservation" | json status)" = Requested ]; do sleep 1; done
  echo "$reservation"
}
times() { echo "{\"carId\":\"$CAR\",\"pickupAt\":\"$1\",\"returnAt\":\"$2\"}"; }
BOOKING=$(book "{\"quoteId\":\"$(echo "$PLAIN" | json quoteId)\"}")
RES=$(echo "$BOOKING" | json reservationId)
echo "reservation: $RES $(echo "$BOOKING" | json status), $(echo "$BOOKING" | json pickupAt) to $(echo "$BOOKING" | json returnAt), total $(echo "$BOOKING" | json totalPrice)"

# 4. After a return the car is cleaned (LAX: 60 minutes' turnaround): from 10:30 it is still taken, from 11:00 it is free.
TOO_SOON=$(book "$(times "${BACK}T10:30" "${BACK}T18:00")")
echo "same car from 10:30: $(echo "$TOO_SOON" | json status) $(echo "$TOO_SOON" | json reason.code)"
NEXT=$(book "$(times "${BACK}T11:00" "${BACK}T18:00")")
echo "same car from 11:00: $(echo "$NEXT" | json status) $(echo "$NEXT" | json reservationId)"

# 5. Pay the first booking's total (the local sandbox gateway: no money moves; tok_visa succeeds). The key makes a retry safe.
PAYMENT=$(curl -sS -X POST "$API/payments" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -H "Idempotency-Key: $(node -e 'console.log(crypto.randomUUID())')" \
  -d "{\"reservationId\":\"$RES\",\"amount\":$(echo "$BOOKING" | json totalPrice),\"paymentMethod\":\"credit_card\",\"details\":{\"cardToken\":\"tok_visa\"}}" | json paymentId)
echo "paid: $PAYMENT"

# 6. Rental history, latest pick-up first.
curl -sS "$API/users/$ME/reservations" -H "authorization: Bearer $TOKEN" | json reservations | node -e \
  'process.stdin.on("data", (d) => JSON.parse(d).forEach((r) => console.log(`history: ${r.reservationId} ${r.status} ${r.pickupAt}..${r.returnAt}`)))'
