import { z } from 'zod';
import { SAVED_NAME_PATTERN, SAVED_NAME_RULE } from './names';

// A set list: the scenes of a concert in order. A scene is a patch (its mappings travel inside
// it) and, optionally, the drum profile to use with it. Scene n answers MIDI program change n
// (0-based, shown 1-based as on most gear), key n (1-9) and a click.

/** MIDI program change numbers reach 128 scenes. */
export const MAX_SCENES = 128;

export const SceneSchema = z.strictObject({
  name: z.string().trim().min(1).max(60),
  patch: z.string().regex(SAVED_NAME_PATTERN, { message: `must be a patch name (${SAVED_NAME_RULE})` }),
  drumProfile: z.string().regex(SAVED_NAME_PATTERN, { message: `must be a drum profile name (${SAVED_NAME_RULE})` }).optional(),
});
export type Scene = z.infer<typeof SceneSchema>;

export const ScenesSchema = z.array(SceneSchema).max(MAX_SCENES);

export interface SetListState {
  scenes: Scene[];
  /** The scene playing (the last one switched to), or null before any. */
  current: number | null;
}
