import fs from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { z } from "zod";
import { crashPoint } from "../config/crash-points.js";
import { parseOptions } from "../config/parse-options.js";
import { SealError } from "../errors.js";
import { appendAudit, memoryHistory } from "../store/audit-log.js";
import { checkpointWal, openDatabase } from "../store/database.js";
import { clearEpisodeContent, clearTenantEpisodes, insertEpisode } from "../store/episode-repository.js";
import * as memories from "../store/memory-repository.js";
import { clearVersionFile } from "../store/adapter-versions.js";
import { forgetInConsolidation, type WeightsForgetResult } from "../store/consolidation-forget.js";
import { claimSetting, deleteSetting, settingNamesWithPrefix, writeSetting } from "../store/store-settings.js";
import { findTenantId, listNamespaces, namespaceKey, tenantId, type Namespace } from "../store/tenants.js";
import { writeTransaction } from "../store/write-transaction.js";
import type { TextEmbedder } from "../vector/embedder.js";
import { hybridSearch } from "../vector/hybrid-search.js";
import { defaultRules } from "./default-plugins.js";
import { TenantIndex, vectorToBlob } from "../vector/tenant-index.js";
import { adapterRootOf } from "./adapter-files.js";
import { toRecords } from "./memory-rows.js";
import { DURABILITIES, MEMORY_KINDS, type ForgetResult, type MemoryRecord, type MemorySearchResult, type RememberInput, type RememberResult, type SearchOptions } from "./memory-types.js";
import type { SimilarMemory, UpdateDecision, UpdateRules } from "./update-rules.js";
import { DEFAULT_MAX_TEXT_BYTES, validateMemoryText } from "./validate-text.js";

const storeOptionsSchema = z
  .object({
    /** The SQLite file. Several processes may open the same one. */
    path: z.string().min(1),
    /** Turns texts into vectors. Every process must use the same one (the store records its id). */
    embedder: z.custom<TextEmbedder>((value) => typeof (value as TextEmbedder)?.embed === "function" && Number.isInteger((value as TextEmbedder)?.dims), "an embedder with embed() and dims"),
    /** Folder of the HNSW index files. Defaults to `<path>.index`. */
    indexDir: z.string().min(1).optional(),
    /** The update rules. Defaults to the built-in `statementRules` (plugins/memory-rules). */
    rules: z.custom<UpdateRules>((value) => typeof (value as UpdateRules)?.decide === "function").optional(),
    /** Largest memory text in UTF-8 bytes. Defaults to `8192`. */
    maxTextBytes: z.number().int().positive().default(DEFAULT_MAX_TEXT_BYTES),
    /** How long a volatile memory is retrieved, in ms; `null` keeps them until forgotten. Defaults to 7 days. */
    volatileTtlMs: z.number().int().positive().nullable().default(7 * 24 * 3600 * 1000),
    /** Largest search query in UTF-8 bytes (a longer one is refused). Defaults to `8192`. */
    maxQueryBytes: z.number().int().positive().default(DEFAULT_MAX_TEXT_BYTES),
    /** Index changes kept in memory before the index file is rewritten. Defaults to `1000`. */
    persistEvery: z.number().int().positive().default(1000),
    /** The clock, in ms (tests inject one). Defaults to `Date.now`. */
    now: z.custom<() => number>((value) => typeof value === "function").optional(),
  })
  .strict();
export type MemoryStoreOptions = z.input<typeof storeOptionsSchema>;

const rememberSchema = z
  .object({
    text: z.unknown(),
    kind: z.enum(MEMORY_KINDS).default("fact"),
    durability: z.enum(DURABILITIES).default("unknown"),
    confidence: z.number().min(0).max(1).default(0.7),
    subject: z.string().min(1).max(512).optional(),
    validFrom: z.date().optional(),
    episodeIds: z.array(z.number().int().positive()).default([]),
    pinned: z.boolean().default(false),
    expiresAt: z.date().optional(),
  })
  .strict();

const searchSchema = z
  .object({
    limit: z.number().int().min(1).max(1000).default(5),
    asOf: z.date().optional(),
  })
  .strict();

const listSchema = z
  .object({
    status: z.enum(["active", "superseded", "deleted", "baked"]).default("active"),
    limit: z.number().int().min(1).max(100_000).optional(),
    offset: z.number().int().min(0).default(0),
    includeExpired: z.boolean().default(false),
  })
  .strict();

/** store_settings names of erasures committed but not yet finished on disk, per tenant id. */
const ERASE_PENDING = "erase.pending:t";

/** How many similar memories the update rules see. */
const SIMILAR = 10;

/**
 * The memory core: memories in SQLite (the source of truth) with FTS5 and one HNSW index per
 * tenant, hybrid retrieval, and add / update / reinforce / contradict decisions. Every method
 * takes the tenant's namespace; nothing crosses tenants.
 */
export class MemoryStore {
  private readonly indexes = new Map<number, TenantIndex>();
  private givenRules: UpdateRules | undefined;
  private readonly now: () => number;
  private changesSincePersist = 0;
  private closed = false;

  private constructor(
    readonly db: Database.Database,
    readonly embedder: TextEmbedder,
    private readonly options: z.output<typeof storeOptionsSchema>,
  ) {
    this.givenRules = options.rules;
    this.now = options.now ?? Date.now;
  }

  /** The update rules, resolved on first write: reading a store needs no plugins registered. */
  private get rules(): UpdateRules {
    this.givenRules ??= defaultRules();
    return this.givenRules;
  }

  static open(options: MemoryStoreOptions): MemoryStore {
    const parsed = parseOptions(storeOptionsSchema, options, "MemoryStore.open");
    const db = openDatabase(parsed.path);
    try {
      checkEmbedder(db, parsed.embedder);
    } catch (error) {
      db.close();
      throw error;
    }
    const store = new MemoryStore(db, parsed.embedder, parsed);
    store.finishErasures();
    return store;
  }

  /** The SQLite file (adapters and index files live next to it). */
  get path(): string {
    return this.options.path;
  }

  /** The largest search query in UTF-8 bytes. */
  get maxQueryBytes(): number {
    return this.options.maxQueryBytes;
  }

  /** The largest episode (raw interaction) in UTF-8 bytes: eight times the memory limit. */
  get maxEpisodeBytes(): number {
    return this.options.maxTextBytes * 8;
  }

  /** Records an interaction (raw, as it happened) and returns its id, for provenance. */
  recordEpisode(namespace: Namespace, episode: { role: string; content: string; occurredAt?: Date }): number {
    this.assertOpen();
    const content = validateMemoryText(episode.content, this.maxEpisodeBytes);
    return writeTransaction(this.db, () => {
      const tenant = tenantId(this.db, namespace, { create: true, now: this.now() });
      return insertEpisode(this.db, { tenantId: tenant, role: episode.role, content, occurredAt: episode.occurredAt?.getTime() ?? this.now(), recordedAt: this.now() });
    });
  }

  /**
   * Adds a memory, or lets the update rules turn it into an update (the old one is superseded and
   * its validity ends), a reinforcement (the recurrence count rises) or a recorded contradiction.
   */
  async remember(namespace: Namespace, input: RememberInput): Promise<RememberResult> {
    this.assertOpen();
    namespaceKey(namespace);
    const parsed = parseOptions(rememberSchema, input, "remember");
    const { text, vector } = await this.validatedWithVector(parsed.text);
    const candidate = { text, kind: parsed.kind, durability: parsed.durability, ...(parsed.subject ?? this.rules.subjectOf(text) ? { subject: parsed.subject ?? this.rules.subjectOf(text) } : {}) };

    // Decide outside the write lock (rules may be slow), then apply only if the memory the decision
    // names is still active; another process may have changed it meanwhile, so decide again.
    for (let attempt = 0; attempt < 5; attempt++) {
      const similar = this.similarTo(namespace, text, vector, candidate.subject);
      const decision = await this.rules.decide(candidate, similar);
      const result = writeTransaction(this.db, () => {
        const tenant = tenantId(this.db, namespace, { create: true, now: this.now() });
        if (decision.action !== "add") {
          if (memories.memoryStatus(this.db, tenant, decision.targetId) !== "active") return undefined;
        }
        return this.apply(tenant, decision, { ...parsed, text, subject: candidate.subject, vector });
      });
      if (result) {
        this.afterWrite(namespace);
        const [memory] = this.rowsById(namespace, [result.id]);
        return { action: decision.action, memory: memory as MemoryRecord, ...(result.relatedId !== undefined ? { relatedId: result.relatedId } : {}) };
      }
    }
    throw new SealError("STORE_UNAVAILABLE", "The memory kept changing under concurrent writers; try again");
  }

  /** Hybrid retrieval (BM25 + dense, fused) over the tenant's memories valid now or `asOf`. */
  async search(namespace: Namespace, query: string, options: SearchOptions = {}): Promise<MemorySearchResult[]> {
    this.assertOpen();
    const parsed = parseOptions(searchSchema, options, "search");
    if (typeof query !== "string") throw new SealError("INVALID_OPTIONS", `search: the query must be a string, got ${typeof query}`);
    const bytes = Buffer.byteLength(query, "utf8");
    if (bytes > this.options.maxQueryBytes) {
      throw new SealError("INVALID_OPTIONS", `search: the query is ${bytes} bytes; the limit is ${this.options.maxQueryBytes}`, { hint: "Search with a shorter query (a question, not a document), or raise maxQueryBytes.", context: { bytes, maxQueryBytes: this.options.maxQueryBytes } });
    }
    const tenant = findTenantId(this.db, namespace);
    if (tenant === undefined || !query.trim()) return []; // nothing stored for this tenant yet
    const [vector] = await this.embedder.embed([query]);
    if (!vector) throw new SealError("EMBEDDING_FAILED", "The embedder returned no vector for the query");
    const hits = hybridSearch(this.db, this.index(tenant), tenant, { text: query, vector }, { limit: parsed.limit, now: this.now(), ...(parsed.asOf ? { asOf: parsed.asOf.getTime() } : {}) });
    const records = new Map(this.rowsById(namespace, hits.map((hit) => hit.id)).map((record) => [record.id, record]));
    return hits.flatMap((hit) => {
      const memory = records.get(hit.id);
      if (!memory) return [];
      const { id: _id, ...scores } = hit;
      return [{ memory, ...scores }];
    });
  }

  /** One memory by id, in any status (a deleted one has no text left). */
  get(namespace: Namespace, id: number): MemoryRecord | undefined {
    this.assertOpen();
    if (findTenantId(this.db, namespace) === undefined) return undefined;
    return this.rowsById(namespace, [id])[0];
  }

  /** The tenant's memories in a status (active by default, expired ones left out), oldest first. An unknown tenant has none. */
  list(namespace: Namespace, options: { status?: MemoryRecord["status"]; limit?: number; offset?: number; includeExpired?: boolean } = {}): MemoryRecord[] {
    this.assertOpen();
    const parsed = parseOptions(listSchema, options, "list");
    const tenant = findTenantId(this.db, namespace);
    if (tenant === undefined) return [];
    const hideExpired = parsed.status === "active" && !parsed.includeExpired;
    const rows = memories.listMemoryRows(this.db, tenant, { status: parsed.status, ...(hideExpired ? { unexpiredAt: this.now() } : {}), limit: parsed.limit ?? -1, offset: parsed.offset });
    return toRecords(this.db, rows, [...namespace]);
  }

  /**
   * Replaces a memory's text: the new text becomes a memory of its own (same kind, durability and
   * provenance unless given) and the old one is superseded, so history keeps both.
   */
  async update(namespace: Namespace, id: number, input: Partial<RememberInput> & { text: string }): Promise<RememberResult> {
    this.assertOpen();
    const old = this.get(namespace, id);
    if (!old || old.status !== "active") throw new SealError("MEMORY_NOT_FOUND", `No active memory ${id} in namespace "${namespaceKey(namespace)}"`, { hint: "list() shows the active memories and their ids.", context: { id, status: old?.status } });
    const parsed = parseOptions(rememberSchema, { kind: old.kind, durability: old.durability, confidence: old.confidence, episodeIds: old.episodeIds, pinned: old.pinned, ...input }, "update");
    const { text, vector } = await this.validatedWithVector(parsed.text);
    const subject = parsed.subject ?? this.rules.subjectOf(text);
    const result = writeTransaction(this.db, () => {
      const tenant = tenantId(this.db, namespace, { create: false, now: this.now() });
      const status = memories.memoryStatus(this.db, tenant, id);
      if (status !== "active") throw new SealError("MEMORY_NOT_FOUND", `Memory ${id} changed while it was being updated (now ${String(status)})`, { hint: "Read it again and retry." });
      return this.apply(tenant, { action: "update", targetId: id, reason: "update() called" }, { ...parsed, text, subject, vector });
    });
    this.afterWrite(namespace);
    return { action: "update", memory: this.rowsById(namespace, [result.id])[0] as MemoryRecord, relatedId: id };
  }

  /**
   * Forgets a memory everywhere: its text, value and vector leave SQLite (overwritten, with
   * secure_delete), FTS and the index file; the episodes it came from lose their content too.
   * What remains is the row's id, status `deleted` and an audit entry without the text.
   */
  forget(namespace: Namespace, id: number): ForgetResult {
    this.assertOpen();
    const outcome = writeTransaction(this.db, (): { status: ForgetResult["status"]; weights?: WeightsForgetResult } => {
      const tenant = findTenantId(this.db, namespace);
      const current = tenant === undefined ? undefined : memories.memoryStatus(this.db, tenant, id);
      if (tenant === undefined || current === undefined) throw new SealError("MEMORY_NOT_FOUND", `No memory ${id} in namespace "${namespaceKey(namespace)}"`, { hint: "list() shows the tenant's memories and their ids.", context: { id } });
      if (current === "deleted") return { status: "already-deleted" };
      const weights = this.eraseMemory(tenant, id);
      crashPoint("forget:commit"); // inside the transaction: nothing is forgotten
      return { status: "forgotten", weights };
    });
    crashPoint("forget:committed"); // erased in SQLite; files and the index not yet (open() finishes it)
    if (outcome.status === "forgotten") this.afterErase(namespace);
    const weights = outcome.weights;
    return { id, status: outcome.status, ...(weights && (weights.tainted.length || weights.fallback) ? { weights: { tainted: weights.tainted, ...(weights.fallback ? { fallback: weights.fallback } : {}) } } : {}) };
  }

  /**
   * Forgets a whole tenant: every memory (as `forget` does) and every episode, then its index
   * file. The tenant's row stays, holding no text, so ids in the audit log still resolve.
   */
  forgetTenant(namespace: Namespace): { memories: number; episodes: number } {
    this.assertOpen();
    const tenant = findTenantId(this.db, namespace);
    if (tenant === undefined) return { memories: 0, episodes: 0 };
    const counts = writeTransaction(this.db, () => {
      const ids = memories.unerasedMemoryIds(this.db, tenant);
      for (const id of ids) this.eraseMemory(tenant, id);
      const episodes = clearTenantEpisodes(this.db, tenant);
      appendAudit(this.db, { tenantId: tenant, memoryId: null, action: "forget-tenant", detail: { memories: ids.length, episodes }, at: this.now() });
      return { memories: ids.length, episodes };
    });
    this.afterErase(namespace);
    return counts;
  }

  /** Forgets the tenant's volatile memories whose time has passed; returns how many. */
  purgeExpired(namespace: Namespace): number {
    this.assertOpen();
    const tenant = findTenantId(this.db, namespace);
    if (tenant === undefined) return 0;
    const erased = writeTransaction(this.db, () => {
      const ids = memories.expiredActiveIds(this.db, tenant, this.now());
      for (const id of ids) this.eraseMemory(tenant, id);
      return ids.length;
    });
    if (erased > 0) this.afterErase(namespace);
    return erased;
  }

  /** Every namespace that has memories or episodes. */
  listNamespaces(): string[][] {
    this.assertOpen();
    return listNamespaces(this.db);
  }

  /** The audit trail of one memory, oldest first (never contains memory text). */
  history(namespace: Namespace, id: number): Array<{ action: string; at: Date; detail: Record<string, unknown> }> {
    this.assertOpen();
    const tenant = findTenantId(this.db, namespace);
    if (tenant === undefined) return [];
    return memoryHistory(this.db, tenant, id);
  }

  /** Writes the index files of every tenant touched. */
  flush(): void {
    for (const index of this.indexes.values()) index.persist();
    this.changesSincePersist = 0;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.db.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** Key-value writes for the LangGraph store: the tenant's active item `key` is replaced. */
  async putItem(namespace: Namespace, key: string, value: Record<string, unknown>, text: string): Promise<MemoryRecord> {
    this.assertOpen();
    const valid = validateMemoryText(text, this.options.maxTextBytes);
    const [vector] = await this.embedder.embed([valid]);
    if (!vector) throw new SealError("EMBEDDING_FAILED", "The embedder returned no vector");
    const id = writeTransaction(this.db, () => {
      const tenant = tenantId(this.db, namespace, { create: true, now: this.now() });
      const previous = memories.activeItemId(this.db, tenant, key);
      const written = this.insertMemory(tenant, { text: valid, kind: "fact", durability: "unknown", confidence: 1, subject: undefined, episodeIds: [], pinned: false, vector, key: previous === undefined ? key : null, value }, "add");
      if (previous !== undefined) {
        this.supersede(tenant, previous, written);
        memories.setItemKey(this.db, written, key);
      }
      return written;
    });
    this.afterWrite(namespace);
    return this.rowsById(namespace, [id])[0] as MemoryRecord;
  }

  getItem(namespace: Namespace, key: string): MemoryRecord | undefined {
    this.assertOpen();
    const tenant = findTenantId(this.db, namespace);
    if (tenant === undefined) return undefined;
    const row = memories.activeItemRow(this.db, tenant, key);
    return row ? toRecords(this.db, [row], [...namespace])[0] : undefined;
  }

  deleteItem(namespace: Namespace, key: string): void {
    const item = this.getItem(namespace, key);
    if (item) this.forget(namespace, item.id);
  }

  private apply(tenant: number, decision: UpdateDecision, input: InsertInput): { id: number; relatedId?: number } {
    switch (decision.action) {
      case "add":
        return { id: this.insertMemory(tenant, input, "add", decision.reason) };
      case "reinforce": {
        memories.reinforceMemory(this.db, decision.targetId, input.confidence);
        memories.linkEpisodes(this.db, decision.targetId, input.episodeIds);
        this.audit(tenant, decision.targetId, "reinforce", { reason: decision.reason });
        return { id: decision.targetId };
      }
      case "update": {
        const id = this.insertMemory(tenant, input, "update", decision.reason);
        this.supersede(tenant, decision.targetId, id);
        return { id, relatedId: decision.targetId };
      }
      case "contradict": {
        const id = this.insertMemory(tenant, input, "contradict", decision.reason);
        memories.recordContradiction(this.db, { tenantId: tenant, memoryId: id, conflictsWith: decision.targetId, recordedAt: this.now() });
        this.audit(tenant, decision.targetId, "contradicted", { by: id });
        return { id, relatedId: decision.targetId };
      }
    }
  }

  private insertMemory(tenant: number, input: InsertInput, action: string, reason?: string): number {
    const now = this.now();
    const id = memories.insertMemory(this.db, {
      tenantId: tenant,
      itemKey: input.key ?? null,
      text: input.text,
      valueJson: input.value ? JSON.stringify(input.value) : null,
      subject: input.subject ?? null,
      kind: input.kind,
      durability: input.durability,
      confidence: input.confidence,
      pinned: input.pinned,
      validFrom: input.validFrom?.getTime() ?? now,
      recordedAt: now,
      embedding: vectorToBlob(input.vector),
      expiresAt: this.expiryOf(input, now),
    });
    memories.linkEpisodes(this.db, id, input.episodeIds);
    this.audit(tenant, id, action, reason ? { reason } : {});
    return id;
  }

  private expiryOf(input: InsertInput, now: number): number | null {
    if (input.expiresAt) return input.expiresAt.getTime();
    return input.durability === "volatile" && this.options.volatileTtlMs !== null ? now + this.options.volatileTtlMs : null;
  }

  /** The old memory stops being valid when the new one starts; history keeps both. */
  private supersede(tenant: number, oldId: number, newId: number): void {
    memories.supersedeMemory(this.db, { tenantId: tenant, oldId, newId, retiredAt: this.now() });
    this.audit(tenant, oldId, "superseded", { by: newId });
  }

  /**
   * Inside the caller's transaction: the memory's text leaves SQLite, and its consolidation
   * copies leave the weights (tainted versions, a fallback, a queued retrain). The tainted
   * versions' files are deleted by `afterErase`, once this has committed.
   */
  private eraseMemory(tenant: number, id: number): WeightsForgetResult {
    const episodes = memories.linkedEpisodeIds(this.db, id);
    memories.eraseMemory(this.db, { tenantId: tenant, id, retiredAt: this.now(), validTo: this.now() });
    for (const episode of episodes) clearEpisodeContent(this.db, tenant, episode);
    this.audit(tenant, id, "delete", { episodesCleared: episodes.length });
    // Committed with the erasure: until afterErase has run, open() knows there is work left.
    writeSetting(this.db, `${ERASE_PENDING}${tenant}`, String(this.now()));
    return forgetInConsolidation(this.db, tenant, id, this.now());
  }

  private audit(tenant: number, memoryId: number, action: string, detail: Record<string, unknown>): void {
    appendAudit(this.db, { tenantId: tenant, memoryId, action, detail, at: this.now() });
  }

  /** Same-subject memories first, then the hybrid neighbours: what the rules compare against. */
  private similarTo(namespace: Namespace, text: string, vector: Float32Array, subject: string | undefined): SimilarMemory[] {
    const tenant = findTenantId(this.db, namespace);
    if (tenant === undefined) return [];
    const ids = new Map<number, number | undefined>();
    if (subject) for (const id of memories.activeIdsWithSubject(this.db, tenant, subject, SIMILAR)) ids.set(id, undefined);
    for (const hit of hybridSearch(this.db, this.index(tenant), tenant, { text, vector }, { limit: SIMILAR, now: this.now() })) if (!ids.has(hit.id)) ids.set(hit.id, hit.similarity);
    return this.rowsById(namespace, [...ids.keys()].slice(0, SIMILAR)).map((memory) => ({
      id: memory.id,
      text: memory.text,
      ...(memory.subject ? { subject: memory.subject } : {}),
      kind: memory.kind,
      recurrence: memory.recurrence,
      ...(ids.get(memory.id) !== undefined ? { similarity: ids.get(memory.id) as number } : {}),
    }));
  }

  private rowsById(namespace: Namespace, ids: number[]): MemoryRecord[] {
    if (ids.length === 0) return [];
    const rows = memories.memoryRowsByIds(this.db, namespaceKey(namespace), ids);
    const byId = new Map(toRecords(this.db, rows, [...namespace]).map((record) => [record.id, record]));
    return ids.flatMap((id) => (byId.has(id) ? [byId.get(id) as MemoryRecord] : []));
  }

  /** The tenant's index, opened (or rebuilt) on first use and brought up to date with the log. */
  private index(tenant: number): TenantIndex {
    let index = this.indexes.get(tenant);
    if (!index) {
      index = TenantIndex.open(this.db, tenant, this.embedder.dims, this.options.indexDir ?? `${this.options.path}.index`);
      this.indexes.set(tenant, index);
    } else index.sync();
    return index;
  }

  private afterWrite(namespace: Namespace, options: { persistNow?: boolean } = {}): void {
    const tenant = findTenantId(this.db, namespace) as number;
    const index = this.index(tenant);
    if (options.persistNow) index.persist();
    if (++this.changesSincePersist >= this.options.persistEvery) this.flush();
  }

  /** A memory's text, checked, and its embedding (remember and update). */
  private async validatedWithVector(raw: unknown): Promise<{ text: string; vector: Float32Array }> {
    const text = validateMemoryText(raw, this.options.maxTextBytes);
    const [vector] = await this.embedder.embed([text]);
    if (!vector || vector.length !== this.embedder.dims) throw new SealError("EMBEDDING_FAILED", `The embedder returned no vector of ${this.embedder.dims} dimensions`);
    return { text, vector };
  }

  /** After an erase: the index file is rewritten now, and the erased pages leave the WAL for the (secure_delete) database file. */
  private afterErase(namespace: Namespace): void {
    this.afterWrite(namespace, { persistNow: true });
    this.finishErasure(findTenantId(this.db, namespace) as number);
  }

  /**
   * The files' part of an erasure: tainted adapters deleted, then the erased pages moved out of
   * the WAL. The tenant's index file must have been rewritten before.
   */
  private finishErasure(tenant: number): void {
    this.deleteTaintedFiles();
    crashPoint("forget:files");
    checkpointWal(this.db);
    writeTransaction(this.db, () => deleteSetting(this.db, `${ERASE_PENDING}${tenant}`));
  }

  /**
   * At open: erasures a killed process committed but did not finish (index file not rewritten,
   * tainted adapter files not deleted, the WAL not checkpointed) are finished, so that a forget
   * is complete on disk once any process has opened the store again.
   */
  private finishErasures(): void {
    for (const name of settingNamesWithPrefix(this.db, ERASE_PENDING)) {
      const tenant = Number(name.slice(ERASE_PENDING.length));
      this.index(tenant).persist();
      this.finishErasure(tenant);
    }
  }

  /**
   * Tainted adapters' files, after the transaction that tainted them committed (a crash before
   * leaves rows that say tainted and name a file: the next forget or open deletes it).
   */
  private deleteTaintedFiles(): void {
    const root = adapterRootOf(this.options.path);
    const named = this.db.prepare("SELECT id, file FROM adapter_versions WHERE state = 'tainted' AND file IS NOT NULL").all() as Array<{ id: number; file: string }>;
    for (const row of named) {
      fs.rmSync(path.join(root, row.file), { force: true });
      writeTransaction(this.db, () => clearVersionFile(this.db, row.id));
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new SealError("DISPOSED", "This MemoryStore is closed");
  }
}

interface InsertInput {
  text: string;
  kind: MemoryRecord["kind"];
  durability: MemoryRecord["durability"];
  confidence: number;
  subject: string | undefined;
  validFrom?: Date;
  episodeIds: number[];
  pinned: boolean;
  vector: Float32Array;
  key?: string | null;
  value?: Record<string, unknown>;
  expiresAt?: Date;
}

/** The first embedder to write decides the store's vectors; another one is refused, not mixed in. */
function checkEmbedder(db: Database.Database, embedder: TextEmbedder): void {
  const wanted = `${embedder.id}:${embedder.dims}`;
  const recorded = claimSetting(db, "embedder", wanted);
  if (recorded !== wanted) {
    throw new SealError("INVALID_OPTIONS", `This memory store was written with embedder ${recorded}, not ${wanted}`, {
      hint: "Open it with the same embedder; vectors from different models cannot be compared.",
      context: { recorded, given: wanted },
    });
  }
}
