import { z } from 'zod';

/**
 * MQTT's keys of a queue's `options:` map. Kept apart from the adapter so the planner can check them (through the
 * broker catalogue) without loading mqtt.js.
 */
export const MqttOptions = z
  .object({
    qos: z
      .union([z.literal(1), z.literal(2)])
      .default(1)
      .meta({ description: 'Publish and subscribe QoS (1 or 2)' }),
  })
  .strict();

export type MqttOptions = z.output<typeof MqttOptions>;
