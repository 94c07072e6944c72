import type { FeedStatus } from '../../market-feed/feed-gateway';

/**
 * Why a market's feed is not ready, as short sentences for the readiness body; empty when ready. Only
 * fixed vocabulary goes in (states, reconnect causes, counts): the raw error text (KuCoin's messages,
 * addresses) stays in the logs.
 */
export function feedProblems(status: FeedStatus, now: number, staleMs: number): string[] {
  if (status.desiredSymbols === 0) return [];
  if (status.connections.length === 0) return ['symbols to watch but no connection'];
  const problems: string[] = [];
  for (const connection of status.connections) {
    if (connection.state !== 'connected') {
      const cause = connection.lastCause === undefined ? '' : ` (last failure: ${connection.lastCause})`;
      problems.push(`${connection.id} is ${connection.state}${cause}`);
    } else if (connection.lastMessageAt === undefined || now - connection.lastMessageAt > staleMs) {
      problems.push(`${connection.id} has received nothing for over ${staleMs} ms`);
    }
  }
  if (status.recoveringSymbols > 0)
    problems.push(`${status.recoveringSymbols} symbols are recovering trades they may have missed`);
  return problems;
}
