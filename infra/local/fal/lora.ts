/*
 * The local trainer's "LoRA": a real safetensors file (8-byte little-endian header
 * length, a JSON header, then the tensor bytes) as fal's `pytorch_lora_weights.safetensors`
 * is, whose tensors are the customer's face crops (JPEG bytes as U8 tensors) and whose
 * metadata names the trainer, the trigger word and the training request. The local
 * generator reads the crops back from it, wherever the file was copied to, so nothing
 * but the file is needed to make the customer's pictures.
 */

/** Marks the files the local trainer made (`__metadata__.format`). */
export const LOCAL_LORA_FORMAT = 'local-fal-stand-in/face-crops';
const MAX_HEADER_BYTES = 1024 * 1024;

export interface LocalLora {
  readonly trainingRequestId: string;
  readonly triggerWord: string;
  /** Square JPEG face crops, in the order of the training ZIP. */
  readonly faces: readonly Buffer[];
}

export function writeLora(lora: LocalLora): Buffer {
  const header: Record<string, unknown> = {
    __metadata__: {
      format: LOCAL_LORA_FORMAT,
      training_request_id: lora.trainingRequestId,
      trigger_word: lora.triggerWord,
      faces: String(lora.faces.length),
    },
  };
  let offset = 0;
  lora.faces.forEach((face, i) => {
    header[`faces.${i}`] = { dtype: 'U8', shape: [face.length], data_offsets: [offset, offset + face.length] };
    offset += face.length;
  });
  let json = JSON.stringify(header);
  // The format allows trailing spaces in the header; pad it so the data starts 8-byte aligned.
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([head, Buffer.from(json, 'utf8'), ...lora.faces]);
}

/** Reads a file {@link writeLora} made; undefined for anything else (another LoRA, a broken file). */
export function readLora(bytes: Buffer): LocalLora | undefined {
  if (bytes.length < 8) return undefined;
  const length = Number(bytes.readBigUInt64LE(0));
  if (length > MAX_HEADER_BYTES || 8 + length > bytes.length) return undefined;
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const meta = header.__metadata__ as Record<string, string> | undefined;
  if (!meta || meta.format !== LOCAL_LORA_FORMAT) return undefined;
  const data = bytes.subarray(8 + length);
  const faces: Buffer[] = [];
  for (let i = 0; i < Number(meta.faces); i++) {
    const entry = header[`faces.${i}`] as { data_offsets?: [number, number] } | undefined;
    const [from, to] = entry?.data_offsets ?? [];
    if (!Number.isInteger(from) || !Number.isInteger(to) || from! < 0 || to! > data.length || from! >= to!) return undefined;
    faces.push(Buffer.from(data.subarray(from, to)));
  }
  if (!faces.length) return undefined;
  return { trainingRequestId: meta.training_request_id ?? '', triggerWord: meta.trigger_word ?? '', faces };
}
