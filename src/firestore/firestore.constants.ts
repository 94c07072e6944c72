/** The one firebase-admin Firestore client of the app; inject with `@Inject(FIRESTORE) db: Firestore`. */
export const FIRESTORE = Symbol('FIRESTORE');
