import type { EventQueuePlan } from '../../scenario/event-plan.js';
import type { ProducerSide } from './queue-producers.js';

/**
 * Producers in worker threads (`run --workers N`), as the event engine in the main thread drives them. The main
 * thread keeps the consumers, one lag reader per queue and the drain; each thread publishes its slot of the schedule
 * and tracks the sequences of its own producers, so receipts go to the thread that published the message.
 */
export interface ProducerThreads {
  /** Queue `plan`'s producers across the threads: receipts are routed to their thread, what is awaited summed. */
  side(plan: EventQueuePlan): ProducerSide;
  /**
   * Starts publishing in every thread; `scheduled` is called when every thread's schedule is over, and it resolves
   * once each has its publishes settled (or timed out). An abort stops the schedule in every thread; they still
   * settle what is in flight.
   */
  publish(signal: AbortSignal, scheduled: () => void): Promise<void>;
  /**
   * After the drain, with every receipt handed over: the threads report their last interval and what they still
   * await (each side's forEachOutstanding then lists it), close their connections and end.
   */
  finish(): Promise<void>;
}
