/** The environment variable for a credential's name: "api_key" → API_KEY, "X-Api-Key" → X_API_KEY. */
export const envName = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase() || 'API_KEY';

/** `${NAME}`, read from the environment when the scenario is loaded: a secret never lands in the file. */
export const envPlaceholder = (name: string): string => `\${${name}}`;
