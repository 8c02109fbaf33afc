import type { LocalStyle } from '../../../functions/generation/local-images';
import { type PoseId, POSES } from '../../../shared/generation';

/** What the local generator reads from a prompt, as a model would: the pose and the style's words. */
export interface PromptReading {
  readonly pose: PoseId;
  readonly style: LocalStyle;
}

const POSE_WORDS: readonly (readonly [RegExp, PoseId])[] = [
  [/\bprofile\b[^;]*\bleft\b/, 'profile-left'],
  [/\bprofile\b[^;]*\bright\b/, 'profile-right'],
  [/\bthree[- ]quarters?\b[^;]*\bleft\b/, 'three-quarter-left'],
  [/\bthree[- ]quarters?\b[^;]*\bright\b/, 'three-quarter-right'],
  [/\bclose[- ]up\b/, 'close-up'],
  [/\bseated\b|\bsitting\b/, 'seated'],
  [/\bstanding\b|\bfull[- ]length\b/, 'standing'],
];

const BACKDROP_HINT = /\b(backdrop|background|seamless|paper|canvas|wall|studio|office|park|street|city|sea|sky|beach|garden|forest)\b/;
const LIGHTING_HINT = /\b(light|lighting|lit|daylight|sunlight|shadows?|backlight|rim|key|fill|dish|softbox|window)\b/;

/**
 * Reads a prompt the studio writes (`promptFor(planStyle(…).prompt, pose, trigger)`:
 * `[photo of <trigger>, ]<style prompt>; <wardrobe>; <backdrop>; <lighting>; <pose phrasing>`).
 * The pose is the one of {@link POSES} whose phrasing the prompt contains (the last one if
 * several), else one named by its words (`profile … left`, `close-up`, `seated`, …), else
 * `front`. With the plan's shape (four parts before the pose) the backdrop and lighting
 * are the parts before the pose; otherwise the parts that sound like a backdrop and a
 * light, or the whole prompt.
 */
export function readPrompt(prompt: string): PromptReading {
  const text = prompt.toLowerCase();
  let pose: PoseId | undefined;
  let at = -1;
  for (const candidate of POSES) {
    const found = text.lastIndexOf(candidate.prompt.toLowerCase());
    if (found > at) {
      at = found;
      pose = candidate.id;
    }
  }
  pose ??= POSE_WORDS.find(([pattern]) => pattern.test(text))?.[1] ?? 'front';

  const poseText = POSES.find((candidate) => candidate.id === pose)!.prompt.toLowerCase();
  const parts = text
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part && part !== poseText);
  let backdrop: string;
  let lighting: string;
  let wardrobe: string | undefined;
  if (parts.length >= 4) {
    backdrop = parts[parts.length - 2]!;
    lighting = parts[parts.length - 1]!;
    wardrobe = parts[parts.length - 3];
  } else {
    backdrop = parts.find((part) => BACKDROP_HINT.test(part)) ?? text;
    lighting = parts.find((part) => part !== backdrop && LIGHTING_HINT.test(part)) ?? '';
  }
  return { pose, style: { styleId: backdrop, backdrop, lighting, ...(wardrobe && { wardrobe }) } };
}
