import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RentalPhotos } from '../../domain/counter/photos';
import { tableName } from '../../shared/config';
import { rentalPhotosKey } from '../bookings/reservation-item';
import { conditionalWrite } from '../dynamo-conflicts';
import { documentClient } from '../dynamodb';

/**
 * The photo keys issued for a rental, in one item beside the reservation's (pk RES#<id>, sk PHOTOS): the
 * upload function appends to it, the hand-overs read it (one strong read, only when photos are listed).
 * The reservation's own item is left alone, so an upload never races a hand-over's conditional writes.
 * Two halves, so that the hand-overs' bundles carry the read only.
 */
export const issuedRentalPhotos = (db: DynamoDBDocumentClient, table: string): Pick<RentalPhotos, 'issued'> => ({
  async issued(reservationId) {
    const { Item } = await db.send(new GetCommand({ TableName: table, Key: rentalPhotosKey(reservationId), ConsistentRead: true }));
    return new Set((Item?.keys as string[] | undefined) ?? []);
  },
});

export const dynamoRentalPhotos = (db: DynamoDBDocumentClient, table: string): RentalPhotos => ({
  ...issuedRentalPhotos(db, table),
  // The cap holds under concurrent uploads: the append is conditional on the list's size.
  issue: (reservationId, key, max) =>
    conditionalWrite(() =>
      db.send(
        new UpdateCommand({
          TableName: table,
          Key: rentalPhotosKey(reservationId),
          UpdateExpression: 'SET #keys = list_append(if_not_exists(#keys, :none), :key)',
          ConditionExpression: 'attribute_not_exists(#keys) OR size(#keys) < :max',
          ExpressionAttributeNames: { '#keys': 'keys' },
          ExpressionAttributeValues: { ':none': [], ':key': [key], ':max': max },
        }),
      ),
    ),
});

/** The hand-overs' half, and the upload function's whole, on the reservations table. */
export const rentalPhotoKeys = (): Pick<RentalPhotos, 'issued'> => issuedRentalPhotos(documentClient(), tableName('reservations'));
export const rentalPhotos = (): RentalPhotos => dynamoRentalPhotos(documentClient(), tableName('reservations'));
