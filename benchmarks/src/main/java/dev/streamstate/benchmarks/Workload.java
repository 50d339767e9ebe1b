package dev.streamstate.benchmarks;

import java.io.Serializable;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * What keys each batch carries, the same for every contender of a benchmark, so that a Beam job and
 * a native DStream job see the same records and their results can be checked against the generator
 * rather than trusted.
 *
 * <p>Records are numbered. With {@code preload}, records {@code 0 … keys-1} are every key once (the
 * state is loaded), all in the first batch; then come {@code steadyBatches} batches of {@code
 * eventsPerBatch} records each, scattered over all keys by a fixed permutation: any {@code keys}
 * consecutive steady records hold every key exactly once, so the count of every key, in total or in
 * any run of records, follows from the numbers alone. The stream ends after that.
 *
 * <p>Steady batch {@code s} has the event time {@code T0 + s} seconds, so event-time windows are
 * the same in every run, whenever it is run.
 */
public record Workload(long keys, boolean preload, int eventsPerBatch, int steadyBatches)
    implements Serializable {
  /** The event time of the first steady batch (and of the preloaded keys). */
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** A prime: multiplying by it permutes the keys unless {@code keys} is a multiple of it. */
  private static final long SCATTER = 104_729L;

  public Workload {
    if (keys <= 0 || eventsPerBatch <= 0 || steadyBatches < 0) {
      throw new IllegalArgumentException(
          "keys and events per batch must be positive, got " + keys + " and " + eventsPerBatch);
    }
    if (keys % SCATTER == 0) {
      throw new IllegalArgumentException(
          "keys must not be a multiple of " + SCATTER + ", got " + keys);
    }
  }

  /** Every key once, then {@code eventsPerBatch} a batch: a running count's state of N keys. */
  public static Workload preloaded(long keys, int eventsPerBatch, int steadyBatches) {
    return new Workload(keys, true, eventsPerBatch, steadyBatches);
  }

  /** Only the steady batches, from the first: what a window sees. */
  public static Workload steady(long keys, int eventsPerBatch, int steadyBatches) {
    return new Workload(keys, false, eventsPerBatch, steadyBatches);
  }

  /** The records of the load phase: every key once, or none. */
  public long loadRecords() {
    return preload ? keys : 0;
  }

  /** All records of the stream. */
  public long total() {
    return loadRecords() + (long) eventsPerBatch * steadyBatches;
  }

  /** The key of the i-th record: keys in order while loading, then a fixed scatter over all. */
  public String key(long i) {
    long steady = i - loadRecords();
    long k = steady < 0 ? i : Math.floorMod(steady * SCATTER + 7_919L, keys);
    return "k" + k;
  }

  /** When record i happened: the load at {@link #T0}, steady batch s at {@code T0 + s} seconds. */
  public Instant eventTime(long i) {
    long steady = i - loadRecords();
    return steady < 0 ? T0 : T0.plus(Duration.standardSeconds(steady / eventsPerBatch));
  }

  /**
   * The records that batches {@code 0 … batch} carry together, for a source that makes one batch at
   * a time: the load, if any, is batch 0.
   */
  public long endOfBatch(long batch) {
    long steadyBatchesSoFar = preload ? batch : batch + 1;
    return Math.min(total(), loadRecords() + steadyBatchesSoFar * eventsPerBatch);
  }

  /** How often a source paced by the clock makes a steady batch due ({@link #dueAfterLoad}). */
  static final long PACE_MILLIS = 1000;

  /**
   * The records due {@code millis} after the load was read, for a source paced by the clock: one
   * steady batch a second, like a source that makes one batch at a time.
   */
  public long dueAfterLoad(long millis) {
    return Math.min(total(), loadRecords() + millis / PACE_MILLIS * eventsPerBatch);
  }

  /**
   * What a correct running count per key ends with: the counts add up to every record, and the
   * counts it emitted along the way — 1, 2, … c for a key counted c times — add up to the sum of
   * c(c+1)/2 over the keys, which a lost or repeated update would change.
   */
  public RunningTally expectedRunningTally() {
    long steady = (long) eventsPerBatch * steadyBatches;
    long base = (preload ? 1 : 0) + steady / keys;
    long higher = steady % keys; // keys counted once more than the others
    return new RunningTally(
        total(), higher * triangle(base + 1) + (keys - higher) * triangle(base));
  }

  /** How many records a window of {@code batches} whole steady batches holds. */
  public long recordsIn(long batches) {
    return batches * eventsPerBatch;
  }

  /**
   * Record i as a keyed record, {@code "<key> <i>"}: what a stream of keyed records (one side of a
   * join) carries, its number making every record tell where it sits in the workload.
   */
  public String keyedRecord(long i) {
    return key(i) + " " + i;
  }

  /**
   * How many pairs an inner join of a run of {@code records} consecutive records with the same run
   * (two streams carrying this workload) gives: {@code c * c} for a key in the run {@code c} times,
   * and in any run every key is there the same number of times, give or take one.
   */
  public long pairsInRun(long records) {
    long each = records / keys;
    long higher = records % keys; // keys there once more than the others
    return higher * (each + 1) * (each + 1) + (keys - higher) * each * each;
  }

  /** What a source writes for each record of a workload: one line of text. */
  @FunctionalInterface
  interface Lines extends Serializable {
    /** The line of record {@code i}. */
    String line(Workload workload, long i);

    /** One word a line, the record's key: the input of the word counts. */
    Lines WORDS = Workload::key;

    /** {@link Workload#keyedRecord}: the input of the joins. */
    Lines KEYED_RECORDS = Workload::keyedRecord;
  }

  private static long triangle(long c) {
    return c * (c + 1) / 2;
  }
}
