import { toJsonSchema } from '@valibot/to-json-schema';
import { policySchema } from './schema.js';

/** The JSON Schema of the policy file, generated from the schema that validates it. */
export function policyJsonSchema(): Record<string, unknown> {
  return {
    ...toJsonSchema(policySchema, { errorMode: 'ignore' }),
    $id: 'https://unpkg.com/agentpolicy/schema.json',
    title: 'agentpolicy policy (.agentpolicyrc)',
  };
}
