/**
 * The one way a request handler answers: run it, send its body, or send a one-line error with
 * the handler's error id (the ids are the session's wire contract, listed in session.ts's
 * request files; the text is cut to one line by VlabSession.sendErrorResponse).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';

/** How a handler sends its answer (VlabSession gives these out through SessionCore). */
export interface Answering {
  sendResponse(response: DebugProtocol.Response): void;
  /** `showUser` false: the client does not show it (the view that asked shows it itself). */
  sendError(response: DebugProtocol.Response, id: number, text: string, showUser?: false): void;
}

/** An error id, or one whose message the client does not show to the user. */
export type ErrorId = number | { readonly id: number; readonly showUser: false };

/**
 * Run `handler`; its return value becomes `response.body` and the response is sent, then
 * `after` runs (events that follow the answer, such as `stopped`). A throw from either
 * answers error `errorId` with the thrown message (after the answer it is dropped: a request
 * gets one answer).
 */
export function answer<B>(to: Answering, response: DebugProtocol.Response, errorId: ErrorId, handler: () => B, after?: () => void): void {
  try {
    reply(to, response, handler(), after);
  } catch (e) {
    fail(to, response, errorId, e);
  }
}

/** `answer` for a handler that waits (reads files): the same answer once it has settled. */
export async function answerAsync<B>(to: Answering, response: DebugProtocol.Response, errorId: ErrorId, handler: () => Promise<B>, after?: () => void): Promise<void> {
  try {
    reply(to, response, await handler(), after);
  } catch (e) {
    fail(to, response, errorId, e);
  }
}

function reply(to: Answering, response: DebugProtocol.Response, body: unknown, after?: () => void): void {
  if (body !== undefined) response.body = body;
  to.sendResponse(response);
  after?.();
}

function fail(to: Answering, response: DebugProtocol.Response, errorId: ErrorId, e: unknown): void {
  if (typeof errorId === 'number') to.sendError(response, errorId, errorText(e));
  else to.sendError(response, errorId.id, errorText(e), errorId.showUser);
}

/** The message of a thrown value (Error.message, never its stack). */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
