package dev.streamstate.transforms.running;

import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Running totals per key held in state: Spark's {@code mapWithState} (and {@code updateStateByKey})
 * as a stateful DoFn. Emits the new total on every update.
 *
 * <p>{@link #withInitialTotals} is {@code StateSpec.initialState}: the totals are fed in as updates
 * that set state but emit nothing, exactly once at start, so a key that later times out starts
 * again from zero as it would in Spark. {@link #withIdleTimeout} is {@code StateSpec.timeout}: a
 * key not updated for that long (processing time) emits one timed-out record and its state is
 * dropped; {@link #withEventTimeTimeout} is the same in event time, where the runner has event-time
 * timers. Without a timeout the DoFn declares no timer, which matters on Beam's Spark runner: a
 * timer makes it visit every key ever seen in every micro-batch.
 */
public final class RunningTotals
    extends PTransform<PCollection<KV<String, Long>>, PCollection<RunningTotal>> {

  private final Map<String, Long> initialTotals;
  private final Duration idleTimeout;
  private final TimeDomain timeoutDomain;

  private RunningTotals(
      Map<String, Long> initialTotals, Duration idleTimeout, TimeDomain timeoutDomain) {
    this.initialTotals = initialTotals;
    this.idleTimeout = idleTimeout;
    this.timeoutDomain = timeoutDomain;
  }

  /** Totals per key starting at zero, kept forever. */
  public static RunningTotals perKey() {
    return new RunningTotals(Map.of(), Duration.ZERO, TimeDomain.PROCESSING_TIME);
  }

  /** Starts the given keys at the given totals. */
  public RunningTotals withInitialTotals(Map<String, Long> totals) {
    return new RunningTotals(new TreeMap<>(totals), idleTimeout, timeoutDomain);
  }

  /**
   * Drops a key's state after {@code timeout} without updates (processing time); zero means never.
   */
  public RunningTotals withIdleTimeout(Duration timeout) {
    return new RunningTotals(initialTotals, nonNegative(timeout), TimeDomain.PROCESSING_TIME);
  }

  /**
   * Drops a key's state once the watermark is {@code timeout} past its last update, which the
   * timed-out record carries as its time; zero means never. Initial totals have no event time: they
   * set no timeout, the key's first update does.
   */
  public RunningTotals withEventTimeTimeout(Duration timeout) {
    return new RunningTotals(initialTotals, nonNegative(timeout), TimeDomain.EVENT_TIME);
  }

  private static Duration nonNegative(Duration timeout) {
    if (timeout.isShorterThan(Duration.ZERO)) {
      throw new IllegalArgumentException("idle timeout must not be negative");
    }
    return timeout;
  }

  @Override
  public PCollection<RunningTotal> expand(PCollection<KV<String, Long>> increments) {
    KvCoder<String, KV<Long, Boolean>> updateCoder =
        KvCoder.of(StringUtf8Coder.of(), KvCoder.of(VarLongCoder.of(), BooleanCoder.of()));
    PCollection<KV<String, KV<Long, Boolean>>> updates =
        increments
            .apply("AsUpdates", MapElements.into(updates()).via(kv -> update(kv, true)))
            .setCoder(updateCoder);
    if (!initialTotals.isEmpty()) {
      PCollection<KV<String, KV<Long, Boolean>>> initial =
          increments
              .getPipeline()
              .apply(
                  "InitialTotals",
                  Create.of(initialTotals)
                      .withCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of())))
              .apply("AsSilentUpdates", MapElements.into(updates()).via(kv -> update(kv, false)))
              .setCoder(updateCoder);
      updates = PCollectionList.of(initial).and(updates).apply(Flatten.pCollections());
    }
    return idleTimeout.equals(Duration.ZERO)
        ? updates.apply("RunningTotal", ParDo.of(new RunningTotalFn()))
        : updates.apply(
            "RunningTotalWithTimeout",
            ParDo.of(new RunningTotalWithTimeoutFn(idleTimeout, timeoutDomain)));
  }

  /** An update is (key, (amount, emit)): initial totals are applied without emitting. */
  private static KV<String, KV<Long, Boolean>> update(KV<String, Long> increment, boolean emit) {
    return KV.of(increment.getKey(), KV.of(increment.getValue(), emit));
  }

  private static TypeDescriptor<KV<String, KV<Long, Boolean>>> updates() {
    return TypeDescriptors.kvs(
        TypeDescriptors.strings(),
        TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.booleans()));
  }

  private static final String TOTAL = "total";
  private static final String IDLE = "idle";

  /** Adds the update to the key's total; "never written" reads as zero. */
  private static void apply(
      KV<String, KV<Long, Boolean>> update,
      ValueState<Long> total,
      DoFn.OutputReceiver<RunningTotal> out) {
    Long previous = total.read();
    long next = (previous == null ? 0L : previous) + update.getValue().getKey();
    total.write(next);
    if (update.getValue().getValue()) {
      out.output(RunningTotal.updated(update.getKey(), next));
    }
  }

  /** The running total without timeout: state only, no timer. */
  static final class RunningTotalFn extends DoFn<KV<String, KV<Long, Boolean>>, RunningTotal> {
    @StateId(TOTAL)
    private final StateSpec<ValueState<Long>> totalSpec = StateSpecs.value(VarLongCoder.of());

    @ProcessElement
    public void process(
        @Element KV<String, KV<Long, Boolean>> update,
        @StateId(TOTAL) ValueState<Long> total,
        OutputReceiver<RunningTotal> out) {
      apply(update, total, out);
    }
  }

  /**
   * The running total with an idle timeout: every update pushes a timer forward (processing time,
   * or event time from the update's timestamp); when it fires, the key has been idle for the
   * timeout, so its total is emitted and cleared.
   */
  static final class RunningTotalWithTimeoutFn
      extends DoFn<KV<String, KV<Long, Boolean>>, RunningTotal> {
    private final Duration idleTimeout;
    private final TimeDomain domain;

    @StateId(TOTAL)
    private final StateSpec<ValueState<Long>> totalSpec = StateSpecs.value(VarLongCoder.of());

    @TimerId(IDLE)
    private final TimerSpec idleSpec;

    RunningTotalWithTimeoutFn(Duration idleTimeout, TimeDomain domain) {
      this.idleTimeout = idleTimeout;
      this.domain = domain;
      this.idleSpec = TimerSpecs.timer(domain);
    }

    @ProcessElement
    public void process(
        @Element KV<String, KV<Long, Boolean>> update,
        @Timestamp Instant timestamp,
        @StateId(TOTAL) ValueState<Long> total,
        @TimerId(IDLE) Timer idle,
        OutputReceiver<RunningTotal> out) {
      apply(update, total, out);
      if (domain == TimeDomain.PROCESSING_TIME) {
        idle.offset(idleTimeout).setRelative();
      } else if (update.getValue().getValue()) {
        // From the update's own time: an event-time timer's relative base is the watermark.
        idle.set(timestamp.plus(idleTimeout));
      }
    }

    @OnTimer(IDLE)
    public void onIdle(
        @Key String key, @StateId(TOTAL) ValueState<Long> total, OutputReceiver<RunningTotal> out) {
      Long last = total.read();
      if (last != null) {
        out.output(RunningTotal.timedOut(key, last));
        total.clear();
      }
    }
  }
}
