/** Shapes of the simulator's seed file and of the state it keeps (Help Scout's side of the wire). */

export type ConversationStatus = 'active' | 'closed' | 'pending' | 'spam' | 'open';
export type ConversationType = 'email' | 'chat' | 'phone';
/** Thread types as List Threads reports them (a "reply" is stored as a "message"). */
export type ThreadType = 'customer' | 'message' | 'note' | 'chat' | 'phone';
export type FaultScope = 'writes' | 'reads' | 'all';

export interface SeedCredential {
  appId: string;
  appSecret: string;
}

export interface RateLimitConfig {
  unitsPerWindow: number;
  windowSeconds: number;
}

export interface TokenConfig {
  expiresInSeconds: number;
  /** A token stops working after this many API requests (null: only time expires it). */
  expireAfterRequests: number | null;
}

export interface FaultConfig {
  seed: number;
  serverErrorRate: number;
  resetRate: number;
  lostResponseRate: number;
  latencyMs: number;
  jitterMs: number;
  on: FaultScope;
}

export interface SeedMailbox {
  id: number;
  name: string;
}

export type UserRole = 'owner' | 'admin' | 'user';
export type UserType = 'user' | 'team';

export interface SeedUser {
  id: number;
  firstName: string;
  lastName: string;
  email: string;
  /** Default `[]`. */
  alternateEmails?: string[];
  /** Default `user`. */
  role?: UserRole;
  /** Default `user`. */
  type?: UserType;
  /** Has not accepted the invitation yet; List Users still lists it ("including those who have not yet accepted"). */
  invited?: boolean;
}

export interface SeedConversation {
  id: number;
  mailboxId?: number;
  subject?: string;
  customerEmail?: string;
  status?: ConversationStatus;
  type?: ConversationType;
  /** Number of pre-existing threads to generate. */
  threads?: number;
  tags?: string[];
  createdAt?: string;
  /** This id was merged into another conversation: GET answers 301, writes 404. */
  mergedInto?: number;
  /** Company policy locks it: writes answer 412 "too old". */
  tooOld?: boolean;
}

export interface SeedFile {
  credentials?: SeedCredential[];
  /** null (or unitsPerWindow 0): unlimited. */
  rateLimit?: RateLimitConfig | null;
  tokens?: Partial<TokenConfig>;
  maxBodyBytes?: number;
  maxAttachmentBytes?: number;
  mailboxes?: SeedMailbox[];
  users?: SeedUser[];
  conversations?: SeedConversation[];
  faults?: Partial<FaultConfig>;
}

/** The runtime configuration: a seed file with every default filled in, patchable at runtime. */
export interface SimConfig {
  credentials: SeedCredential[];
  rateLimit: RateLimitConfig | null;
  tokens: TokenConfig;
  maxBodyBytes: number;
  maxAttachmentBytes: number;
  faults: FaultConfig;
}

export interface SimAttachment {
  id: number;
  fileName: string;
  mimeType: string;
  /** Decoded size in bytes. */
  size: number;
  /** Base64 as received. */
  data: string;
}

export interface SimPerson {
  id: number;
  type: 'user' | 'customer';
}

export interface SimThread {
  id: number;
  type: ThreadType;
  /** The conversation status this thread set (or found). */
  status: ConversationStatus;
  body: string;
  /** `YYYY-MM-DDTHH:mm:ssZ`. */
  createdAt: string;
  createdAtMs: number;
  imported: boolean;
  createdBy: SimPerson;
  attachments: SimAttachment[];
}

export interface SimCustomer {
  id: number;
  email: string;
  first: string;
  last: string;
}

export interface SimConversation {
  id: number;
  number: number;
  mailboxId: number;
  type: ConversationType;
  status: ConversationStatus;
  subject: string;
  customer: SimCustomer;
  createdAt: string;
  createdAtMs: number;
  imported: boolean;
  /** Lowercased, as Help Scout stores tags. */
  tags: string[];
  /** Oldest first (createdAt, then id); List Threads reads it backwards. */
  threads: SimThread[];
  mergedInto: number | null;
  mergedAtMs: number | null;
  tooOld: boolean;
}
