import { z } from 'zod';
import { SAVED_NAME_PATTERN, SAVED_NAME_RULE } from './names';

// A set list: the scenes of a concert in order. A scene is a patch (its mappings travel inside
// it) and, optionally, the drum profile to use with it. Scene n answers MIDI program change n
// (0-based, shown 1-based as on most gear), key n (1-9) and a click.

/** MIDI program change numbers reach 128 scenes. */
export const MAX_SCENES = 128;

/** A scene's crossfade time: how long its parameters glide to the scene's (0: the patch loads at once). */
export const SCENE_CROSSFADE = { label: 'Crossfade', unit: 's', min: 0, max: 30, default: 0 } as const;

export const SceneSchema = z.strictObject({
  name: z.string().trim().min(1).max(60),
  patch: z.string().regex(SAVED_NAME_PATTERN, { message: `must be a patch name (${SAVED_NAME_RULE})` }),
  drumProfile: z.string().regex(SAVED_NAME_PATTERN, { message: `must be a drum profile name (${SAVED_NAME_RULE})` }).optional(),
  /** Seconds (SCENE_CROSSFADE); only a patch that differs from the one playing in its values alone can glide. */
  crossfade: z.number().min(SCENE_CROSSFADE.min).max(SCENE_CROSSFADE.max).optional(),
});
export type Scene = z.infer<typeof SceneSchema>;

export const ScenesSchema = z.array(SceneSchema).max(MAX_SCENES);

export interface SetListState {
  scenes: Scene[];
  /** The scene playing (the last one switched to), or null before any. */
  current: number | null;
}
