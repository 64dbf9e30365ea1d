/**
 * @module http/errors
 * The one HTTP error type. Everything that fails towards a client becomes a GatewayError, and
 * `toResponse()` renders SPEC §7's `{"code":status,"msg":…}` body (plus WeChat's errcode/errmsg).
 */

export interface GatewayErrorDetails {
  readonly errcode?: number;
  readonly errmsg?: string;
  readonly cause?: unknown;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly errcode: number | undefined;
  readonly errmsg: string | undefined;

  constructor(status: number, msg: string, details: GatewayErrorDetails = {}) {
    super(msg, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "GatewayError";
    this.status = status;
    this.errcode = details.errcode;
    this.errmsg = details.errmsg;
  }

  toJSON(): Record<string, unknown> {
    const body: Record<string, unknown> = { code: this.status, msg: this.message };
    if (this.errcode !== undefined) body.errcode = this.errcode;
    if (this.errmsg !== undefined) body.errmsg = this.errmsg;
    return body;
  }

  toResponse(): Response {
    return Response.json(this.toJSON(), { status: this.status });
  }
}

/** Shorthand constructors so call sites read as the status they mean. */
export const badRequest = (msg: string, cause?: unknown) => new GatewayError(400, msg, { cause });
export const unauthorized = (msg: string) => new GatewayError(401, msg);
export const notFound = (msg: string) => new GatewayError(404, msg);
export const tooLarge = (msg: string) => new GatewayError(413, msg);
export const badGateway = (msg: string, details: GatewayErrorDetails = {}) => new GatewayError(502, msg, details);
