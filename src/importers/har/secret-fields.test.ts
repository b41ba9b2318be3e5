import { describe, expect, it } from 'vitest';
import { envUser, hideSecretForm, hideSecretJson, hideSecretQuery } from './secret-fields.js';

describe('secret fields of a recorded request', () => {
  it('passwords, tokens and keys in a query, a JSON body or a form become environment placeholders', () => {
    const env: string[] = [];
    const use = envUser(env);
    expect(hideSecretQuery({ access_token: 'ya29.A0AR', page: '2', api_key: '{{vars.apiKey}}' }, use)).toEqual({
      access_token: '${ACCESS_TOKEN}',
      page: '2',
      api_key: '{{vars.apiKey}}', // captured by correlation earlier in the journey: the journey's own
    });
    expect(
      hideSecretJson({ user: 'ada', password: 'hunter2', nested: [{ client_secret: 42, secret: { a: 1 } }] }, use),
    ).toEqual({
      user: 'ada',
      password: '${PASSWORD}',
      nested: [{ client_secret: '${CLIENT_SECRET}', secret: { a: 1 } }],
    });
    expect(hideSecretForm('user=ada&password=hunter%322&remember', use)).toBe('user=ada&password=${PASSWORD}&remember');
    expect(env).toEqual(['ACCESS_TOKEN', 'PASSWORD', 'CLIENT_SECRET']);
  });
});
