/** What a user names a saved thing (a patch, a drum profile): it becomes a file name, so no paths. */
export const SAVED_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const SAVED_NAME_RULE = 'letters, digits, _ and -, at most 64, starting with a letter or digit';
