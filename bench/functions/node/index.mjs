// Hello world for `npm run bench` (nodejs20.x, handler index.handler).
export const handler = async (event) => ({ hello: event?.name ?? 'world' });
