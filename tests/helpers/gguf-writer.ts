import fs from "node:fs/promises";

// A minimal GGUF (v3) writer for tests that need files our tools would never write, such as a
// LoRA adapter shaped for another base model. Supports string and f32 metadata and F32 tensors.
type MetadataValue = string | number;
export interface TestTensor {
  name: string;
  /** ggml order: fastest-varying dimension first. */
  shape: number[];
  data?: Float32Array;
}

const ALIGNMENT = 32;

export async function writeTestGguf(filePath: string, metadata: Record<string, MetadataValue>, tensors: TestTensor[]): Promise<void> {
  const parts: Buffer[] = [];
  const u32 = (value: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(value); return b; };
  const u64 = (value: number) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(value)); return b; };
  const str = (value: string) => Buffer.concat([u64(Buffer.byteLength(value)), Buffer.from(value, "utf8")]);

  parts.push(Buffer.from("GGUF", "latin1"), u32(3), u64(tensors.length), u64(Object.keys(metadata).length));
  for (const [key, value] of Object.entries(metadata)) {
    parts.push(str(key));
    if (typeof value === "string") parts.push(u32(8), str(value));
    else { const b = Buffer.alloc(4); b.writeFloatLE(value); parts.push(u32(6), b); }
  }
  let offset = 0;
  const datas: Buffer[] = [];
  for (const tensor of tensors) {
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    const data = Buffer.from((tensor.data ?? new Float32Array(count)).buffer);
    parts.push(str(tensor.name), u32(tensor.shape.length), ...tensor.shape.map(u64), u32(0), u64(offset));
    const padded = Math.ceil(data.length / ALIGNMENT) * ALIGNMENT;
    datas.push(Buffer.concat([data, Buffer.alloc(padded - data.length)]));
    offset += padded;
  }
  const header = Buffer.concat(parts);
  const headerPadding = Buffer.alloc(Math.ceil(header.length / ALIGNMENT) * ALIGNMENT - header.length);
  await fs.writeFile(filePath, Buffer.concat([header, headerPadding, ...datas]));
}
