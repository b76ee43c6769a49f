import { ConfigError } from '../../core/errors.ts';
import { asText, fieldAt, type JsonObject } from './json-value.ts';
import { readSideCsv } from './side-csv.ts';

/**
 * Which Help Scout conversation a source ticket goes to: `source.conversationMap`
 * (`ticket,conversation` CSV) first, then the ticket field `source.conversationField`; neither
 * → undefined, and the planner creates a new conversation. Values are passed on as text: the
 * mapper judges them (a non-numeric one is an `invalid_field` reject, not a crash here).
 */
export class ConversationLookup {
  private constructor(
    private readonly map: ReadonlyMap<string, string>,
    /** `source.conversationField` split at its dots. */
    private readonly field: readonly string[] | undefined,
  ) {}

  static async load(mapPath: string | undefined, field: string | undefined): Promise<ConversationLookup> {
    const map = new Map<string, string>();
    if (mapPath !== undefined) {
      for await (const row of readSideCsv(mapPath, 'source.conversationMap', ['ticket', 'conversation'])) {
        const ticket = asText(row.ticket);
        const conversation = asText(row.conversation);
        if (ticket === undefined || conversation === undefined) continue;
        const earlier = map.get(ticket);
        if (earlier !== undefined && earlier !== conversation) {
          throw new ConfigError([`source.conversationMap: ticket ${ticket} is mapped twice (${earlier} and ${conversation}) in ${mapPath}`]);
        }
        map.set(ticket, conversation);
      }
    }
    return new ConversationLookup(map, field?.split('.'));
  }

  conversationOf(ticket: string, record: JsonObject): string | undefined {
    return this.map.get(ticket) ?? (this.field === undefined ? undefined : asText(fieldAt(record, this.field)));
  }
}
