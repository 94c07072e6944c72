/** The one firebase-admin Firestore client of the app; inject with `@Inject(FIRESTORE) db: Firestore`. */
export const FIRESTORE = Symbol('FIRESTORE');
/** The firebase-admin app that owns it; only FirestoreModule needs it, to delete it on shutdown. */
export const FIREBASE_APP = Symbol('FIREBASE_APP');
