/** The key of a guest's newest backup in the Guests page's map (browser-safe: the page and the view both use it). */
export const lastBackupKey = (host: string, guest: string) => `${host}|${guest}`;
