/**
 * The demo monolith's own OpenAPI 3.0 document, served at /openapi.json: exactly the routes monolith.ts
 * serves, so `backend-bench import openapi http://127.0.0.1:PORT/openapi.json` produces a scenario that runs
 * against the demo unchanged. `serverUrl` is where the document was fetched from (its Host header).
 */
export function monolithOpenApi(serverUrl: string): unknown {
  const error = { $ref: '#/components/responses/Error' };
  return {
    openapi: '3.0.3',
    info: { title: 'backend-bench demo monolith', version: '1.0.0', description: 'In-memory users service' },
    servers: [{ url: serverUrl }],
    tags: [{ name: 'users' }, { name: 'ops', description: 'Health and the request counters the tests read' }],
    paths: {
      '/health': {
        get: {
          operationId: 'health',
          tags: ['ops'],
          summary: 'Liveness',
          responses: { '200': jsonResponse('OK', { $ref: '#/components/schemas/Health' }) },
        },
      },
      '/__stats': {
        get: {
          operationId: 'stats',
          tags: ['ops'],
          summary: 'Requests served so far, by method and route',
          responses: { '200': jsonResponse('Counters', { $ref: '#/components/schemas/Stats' }) },
        },
      },
      '/users': {
        get: {
          operationId: 'listUsers',
          tags: ['users'],
          summary: 'The oldest users first',
          parameters: [
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 0, maximum: 100, default: 20 },
              example: 10,
            },
          ],
          responses: {
            '200': jsonResponse('Users', { type: 'array', items: { $ref: '#/components/schemas/User' } }),
            '400': error,
          },
        },
        post: {
          operationId: 'createUser',
          tags: ['users'],
          summary: 'Create a user',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/NewUser' } } },
          },
          responses: {
            '201': jsonResponse('Created', { $ref: '#/components/schemas/User' }),
            '400': error,
            '413': error,
          },
        },
      },
      '/users/{id}': {
        get: {
          operationId: 'getUser',
          tags: ['users'],
          summary: 'One user by id',
          parameters: [
            // Users 1-100 are seeded at start.
            { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1, maximum: 100 } },
          ],
          responses: { '200': jsonResponse('The user', { $ref: '#/components/schemas/User' }), '404': error },
        },
      },
    },
    components: {
      schemas: {
        Health: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } },
        Stats: {
          type: 'object',
          required: ['requests'],
          properties: { requests: { type: 'object', additionalProperties: { type: 'integer' } } },
        },
        NewUser: {
          type: 'object',
          required: ['name'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 64 },
            email: { type: 'string', format: 'email', nullable: true },
          },
        },
        User: {
          allOf: [
            { $ref: '#/components/schemas/NewUser' },
            {
              type: 'object',
              required: ['id', 'email', 'createdAt'],
              properties: {
                id: { type: 'integer', minimum: 1, readOnly: true },
                createdAt: { type: 'string', format: 'date-time', readOnly: true },
              },
            },
          ],
        },
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
      },
      responses: {
        Error: jsonResponse('Error', { $ref: '#/components/schemas/Error' }),
      },
    },
  };
}

function jsonResponse(description: string, schema: unknown): unknown {
  return { description, content: { 'application/json': { schema } } };
}
