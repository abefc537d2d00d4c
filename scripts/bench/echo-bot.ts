/**
 * The framework's ceiling: a bare Bot Framework echo bot (bot/teams/echo-bot.ts) on restify, as
 * in microsoft/BotBuilder-Samples 02.echo-bot. The bench measures Samråd against it on the same
 * machine, connector and load.
 *
 * PORT chooses the port (127.0.0.1 only); GET /healthz answers once it listens.
 */
import restify from 'restify';
import { echoBotEndpoint } from '../../bot/teams/echo-bot';

const handle = echoBotEndpoint();
const server = restify.createServer();
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => {
  await handle(req, res);
});
server.get('/healthz', (_req, res, next) => {
  res.send(200, 'ok');
  next();
});
server.listen(Number(process.env.PORT ?? 3979), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
