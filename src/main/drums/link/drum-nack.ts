import { AxonError, ERRORS } from '../../../shared/errors';
import { PROTOCOL_ERRORS, type MessageName, type ProtocolErrorName } from '../protocol/constants';

/** The board's NACK of a request, as a catalog error (`drum_nack`) that also names the protocol error. */
export class DrumNackError extends AxonError {
  constructor(
    readonly request: MessageName,
    readonly protocolError: ProtocolErrorName,
  ) {
    super('drum_nack', ERRORS.drum_nack(request.toUpperCase(), protocolError, PROTOCOL_ERRORS[protocolError].meaning));
  }
}
