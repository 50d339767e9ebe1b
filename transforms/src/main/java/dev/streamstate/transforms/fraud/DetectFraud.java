package dev.streamstate.transforms.fraud;

import dev.streamstate.transforms.common.Metered;
import dev.streamstate.transforms.common.RecordCoder;
import dev.streamstate.transforms.windows.EventTimeWindows;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.DefaultCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SortedMapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.DefaultTrigger;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The fraud example's scoring, once, for both runners: every transaction judged on its own amount;
 * each account's spending per event-time window folded into running totals kept in state (the
 * seed's {@code AggregateData}); each (account, window) compared with the account's historic
 * average from a side input; and, on request, periodic snapshots of every account's totals.
 *
 * <p>Why the totals keep the last pane of each recent window: with allowed lateness a window fires
 * again for late transactions, accumulating; the totals add only what is new since that window's
 * previous pane, so nothing is counted twice. A window is forgotten once it can no longer fire (its
 * end plus the lateness is behind the newest window seen).
 *
 * <p>Why a GroupByKey before the totals: windows close in event-time order, as the watermark passes
 * their ends, but several can close at once (a micro-batch that moves the watermark far, the end of
 * a replay file), and a stateful DoFn sees them in no particular order. Gathering each account's
 * windows that closed together lets the totals fold them oldest first, so totals are "as of the
 * window's end" whatever the arrival order. A late pane adds its new spending to the totals from
 * then on.
 */
public final class DetectFraud
    extends PTransform<PCollection<SimpleTransaction>, PCollectionTuple> {
  /** Every transaction, judged on its own amount. */
  public static final TupleTag<EvaluatedTransaction> EVALUATED =
      new TupleTag<EvaluatedTransaction>() {};

  /** Accounts whose spending is far above their history. */
  public static final TupleTag<FraudAlert> ALERTS = new TupleTag<FraudAlert>() {};

  /** Every account's totals, every snapshot interval (only with {@link #withSnapshotsEvery}). */
  public static final TupleTag<AccountSnapshot> SNAPSHOTS = new TupleTag<AccountSnapshot>() {};

  private static final TupleTag<AccountWindow> WINDOWS = new TupleTag<AccountWindow>() {};

  private final PCollectionView<Map<String, BigDecimal>> history;
  private final EventTimeWindows windows;
  private final BigDecimal txThreshold;
  private final BigDecimal avgThreshold;
  private final Duration snapshotsEvery;

  private DetectFraud(
      PCollectionView<Map<String, BigDecimal>> history,
      EventTimeWindows windows,
      BigDecimal txThreshold,
      BigDecimal avgThreshold,
      Duration snapshotsEvery) {
    this.history = history;
    this.windows = windows;
    this.txThreshold = txThreshold;
    this.avgThreshold = avgThreshold;
    this.snapshotsEvery = snapshotsEvery;
  }

  /**
   * Scores against the historic average per account in {@code history}; 10-second windows,
   * transactions over 4000 flagged, averages more than 2000 above history alerted, no snapshots.
   */
  public static DetectFraud against(PCollectionView<Map<String, BigDecimal>> history) {
    return new DetectFraud(
        history,
        EventTimeWindows.fixed(Duration.standardSeconds(10)),
        new BigDecimal("4000"),
        new BigDecimal("2000"),
        Duration.ZERO);
  }

  /** The windows spending is averaged over (fixed windows; their lateness applies). */
  public DetectFraud withWindows(EventTimeWindows windows) {
    if (windows.isSliding()) {
      throw new IllegalArgumentException("fraud windows must be fixed (tumbling), not sliding");
    }
    return new DetectFraud(history, windows, txThreshold, avgThreshold, snapshotsEvery);
  }

  /** A transaction is a possible fraud when its amount is more than this. */
  public DetectFraud withTxThreshold(BigDecimal threshold) {
    return new DetectFraud(history, windows, threshold, avgThreshold, snapshotsEvery);
  }

  /** An account alerts when an average is more than this above its historic average. */
  public DetectFraud withAvgThreshold(BigDecimal threshold) {
    return new DetectFraud(history, windows, txThreshold, threshold, snapshotsEvery);
  }

  /** Emits every account's totals this often (processing time); zero means never. */
  public DetectFraud withSnapshotsEvery(Duration every) {
    if (every.isShorterThan(Duration.ZERO)) {
      throw new IllegalArgumentException("the snapshot interval must not be negative");
    }
    return new DetectFraud(history, windows, txThreshold, avgThreshold, every);
  }

  @Override
  public PCollectionTuple expand(PCollection<SimpleTransaction> transactions) {
    PCollection<EvaluatedTransaction> evaluated =
        transactions.apply("Evaluate", ParDo.of(new EvaluateFn(txThreshold)));

    PCollection<KV<String, Iterable<WindowSpending>>> spending =
        transactions
            .apply(
                "ByAccount",
                WithKeys.of(SimpleTransaction::accountNumber)
                    .withKeyType(TypeDescriptors.strings()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), RecordCoder.of(SimpleTransaction.class)))
            .apply("IntoWindows", windows.windowInto())
            .apply("SpendingPerWindow", Combine.perKey(new SpendingFn()))
            .apply("WithItsWindow", ParDo.of(new WithWindowFn()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), RecordCoder.of(WindowSpending.class)))
            // Out of the windows into the global window, where state lives. The windows of one
            // account that close together (one micro-batch, one bundle) are gathered so that the
            // totals can fold them in event-time order.
            .apply(
                "ClosedTogether",
                Window.<KV<String, WindowSpending>>into(new GlobalWindows())
                    .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
                    .withAllowedLateness(Duration.ZERO)
                    .discardingFiredPanes())
            .apply("GatherClosed", GroupByKey.create())
            .apply(
                "AsSourceRecords",
                Window.<KV<String, Iterable<WindowSpending>>>into(new GlobalWindows())
                    .triggering(DefaultTrigger.of())
                    .withAllowedLateness(Duration.ZERO)
                    .discardingFiredPanes());

    DoFn<KV<String, Iterable<WindowSpending>>, AccountWindow> totals =
        snapshotsEvery.equals(Duration.ZERO)
            ? new TotalsFn(windows.allowedLateness())
            : new TotalsWithSnapshotsFn(windows.allowedLateness(), snapshotsEvery);
    PCollectionTuple folded =
        spending.apply(
            "RunningTotals", ParDo.of(totals).withOutputTags(WINDOWS, TupleTagList.of(SNAPSHOTS)));
    PCollection<AccountWindow> accountWindows =
        folded.get(WINDOWS).setCoder(RecordCoder.of(AccountWindow.class));

    PCollection<FraudAlert> alerts =
        accountWindows.apply(
            "CompareWithHistory",
            ParDo.of(new AlertFn(history, avgThreshold)).withSideInputs(history));

    return PCollectionTuple.of(
            EVALUATED, evaluated.setCoder(RecordCoder.of(EvaluatedTransaction.class)))
        .and(ALERTS, alerts.setCoder(RecordCoder.of(FraudAlert.class)))
        .and(SNAPSHOTS, folded.get(SNAPSHOTS).setCoder(RecordCoder.of(AccountSnapshot.class)));
  }

  /** Spent and how many transactions, in one window's pane (so far). */
  @DefaultCoder(Spending.Coder.class)
  record Spending(BigDecimal sum, long count) {
    static final Spending NONE = new Spending(BigDecimal.ZERO, 0);

    Spending plus(Spending other) {
      return new Spending(sum.add(other.sum), count + other.count);
    }

    Spending minus(Spending other) {
      return new Spending(sum.subtract(other.sum), count - other.count);
    }

    /**
     * Its coder: also the combine's accumulator's, which Spark ships between partial and final
     * sums.
     */
    public static final class Coder extends RecordCoder<Spending> {
      public Coder() {
        super(Spending.class, DECIMAL, LONG);
      }
    }
  }

  /** A window's spending with the window it belongs to, once out of the window. */
  @DefaultCoder(WindowSpending.Coder.class)
  record WindowSpending(Instant start, Instant end, Spending spending) {
    /** Its coder (see {@link RecordCoder}). */
    public static final class Coder extends RecordCoder<WindowSpending> {
      public Coder() {
        super(WindowSpending.class, INSTANT, INSTANT, of(Spending.class));
      }
    }
  }

  /** The account's totals and the last pane of each window that may still fire. */
  @DefaultCoder(Totals.Coder.class)
  record Totals(Spending all, SortedMap<Instant, Spending> recentWindows) {
    /**
     * Its coder, for the state cell. Not deterministic as Beam sees it (its map coder never is),
     * which a state value need not be.
     */
    public static final class Coder extends RecordCoder<Totals> {
      public Coder() {
        super(Totals.class, of(Spending.class), SortedMapCoder.of(INSTANT, of(Spending.class)));
      }
    }
  }

  private static final class EvaluateFn extends DoFn<SimpleTransaction, EvaluatedTransaction> {
    private final BigDecimal threshold;
    private final Counter evaluated = Metrics.counter(Metered.NAMESPACE, "transactions_evaluated");
    private final Counter flagged = Metrics.counter(Metered.NAMESPACE, "transactions_flagged");

    EvaluateFn(BigDecimal threshold) {
      this.threshold = threshold;
    }

    @ProcessElement
    public void process(@Element SimpleTransaction tx, OutputReceiver<EvaluatedTransaction> out) {
      boolean possibleFraud = tx.amount().compareTo(threshold) > 0;
      evaluated.inc();
      if (possibleFraud) {
        flagged.inc();
      }
      out.output(new EvaluatedTransaction(tx.id(), tx.accountNumber(), tx.amount(), possibleFraud));
    }
  }

  private static final class SpendingFn
      extends Combine.CombineFn<SimpleTransaction, Spending, Spending> {
    @Override
    public Spending createAccumulator() {
      return Spending.NONE;
    }

    @Override
    public Spending addInput(Spending spending, SimpleTransaction tx) {
      return spending.plus(new Spending(tx.amount(), 1));
    }

    @Override
    public Spending mergeAccumulators(Iterable<Spending> all) {
      Spending merged = Spending.NONE;
      for (Spending spending : all) {
        merged = merged.plus(spending);
      }
      return merged;
    }

    @Override
    public Spending extractOutput(Spending spending) {
      return spending;
    }
  }

  private static final class WithWindowFn
      extends DoFn<KV<String, Spending>, KV<String, WindowSpending>> {
    @ProcessElement
    public void process(
        @Element KV<String, Spending> spending,
        BoundedWindow window,
        OutputReceiver<KV<String, WindowSpending>> out) {
      IntervalWindow interval = (IntervalWindow) window;
      out.output(
          KV.of(
              spending.getKey(),
              new WindowSpending(interval.start(), interval.end(), spending.getValue())));
    }
  }

  private static final String TOTALS = "totals";
  private static final String SNAPSHOT = "snapshot";

  /**
   * Folds panes of the account's windows into its totals, oldest window first, and outputs each
   * window with the totals as of that window.
   */
  private static void fold(
      KV<String, Iterable<WindowSpending>> closed,
      ValueState<Totals> state,
      Duration allowedLateness,
      DoFn.OutputReceiver<AccountWindow> out) {
    List<WindowSpending> windows = new ArrayList<>();
    closed.getValue().forEach(windows::add);
    windows.sort(Comparator.comparing(WindowSpending::end));
    Totals totals = state.read();
    Spending all = totals == null ? Spending.NONE : totals.all();
    TreeMap<Instant, Spending> recent =
        totals == null ? new TreeMap<>() : new TreeMap<>(totals.recentWindows());
    for (WindowSpending window : windows) {
      all = all.plus(window.spending().minus(recent.getOrDefault(window.end(), Spending.NONE)));
      recent.put(window.end(), window.spending());
      out.output(
          new AccountWindow(
              closed.getKey(),
              window.start(),
              window.end(),
              window.spending().sum(),
              window.spending().count(),
              all.sum(),
              all.count()));
    }
    // A window whose end plus the lateness is behind the newest window's end cannot fire again.
    recent.headMap(recent.lastKey().minus(allowedLateness), false).clear();
    state.write(new Totals(all, recent));
  }

  /**
   * Running totals in state, no timer (so no per-key cost in batches that do not touch the key).
   */
  private static final class TotalsFn
      extends DoFn<KV<String, Iterable<WindowSpending>>, AccountWindow> {
    private final Duration allowedLateness;

    @StateId(TOTALS)
    private final StateSpec<ValueState<Totals>> totalsSpec =
        StateSpecs.value(RecordCoder.of(Totals.class));

    TotalsFn(Duration allowedLateness) {
      this.allowedLateness = allowedLateness;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<WindowSpending>> closed,
        @StateId(TOTALS) ValueState<Totals> totals,
        OutputReceiver<AccountWindow> out) {
      fold(closed, totals, allowedLateness, out);
    }
  }

  /**
   * Running totals plus the seed's state snapshots: a processing-time timer per account, set when
   * the account is first seen, emits its totals and sets itself again.
   */
  private static final class TotalsWithSnapshotsFn
      extends DoFn<KV<String, Iterable<WindowSpending>>, AccountWindow> {
    private final Duration allowedLateness;
    private final Duration every;

    @StateId(TOTALS)
    private final StateSpec<ValueState<Totals>> totalsSpec =
        StateSpecs.value(RecordCoder.of(Totals.class));

    @TimerId(SNAPSHOT)
    private final TimerSpec snapshotSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    TotalsWithSnapshotsFn(Duration allowedLateness, Duration every) {
      this.allowedLateness = allowedLateness;
      this.every = every;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Iterable<WindowSpending>> closed,
        @StateId(TOTALS) ValueState<Totals> totals,
        @TimerId(SNAPSHOT) Timer snapshot,
        OutputReceiver<AccountWindow> out) {
      if (totals.read() == null) {
        snapshot.offset(every).setRelative();
      }
      fold(closed, totals, allowedLateness, out);
    }

    @OnTimer(SNAPSHOT)
    public void onSnapshot(
        @Key String account,
        @StateId(TOTALS) ValueState<Totals> totals,
        @TimerId(SNAPSHOT) Timer snapshot,
        MultiOutputReceiver out) {
      Totals current = totals.read();
      if (current != null) {
        out.get(SNAPSHOTS)
            .output(new AccountSnapshot(account, current.all().sum(), current.all().count()));
      }
      snapshot.offset(every).setRelative();
    }
  }

  private static final class AlertFn extends DoFn<AccountWindow, FraudAlert> {
    private final PCollectionView<Map<String, BigDecimal>> history;
    private final BigDecimal threshold;
    private final Counter alerts = Metrics.counter(Metered.NAMESPACE, "alerts");

    AlertFn(PCollectionView<Map<String, BigDecimal>> history, BigDecimal threshold) {
      this.history = history;
      this.threshold = threshold;
    }

    @ProcessElement
    public void process(@Element AccountWindow window, ProcessContext context) {
      BigDecimal historic = context.sideInput(history).get(window.accountNumber());
      if (historic == null) {
        return; // no history, nothing to compare with: never an alert
      }
      boolean above =
          window.averageTx().subtract(historic).compareTo(threshold) > 0
              || window.windowSpendingAvg().subtract(historic).compareTo(threshold) > 0;
      if (above) {
        alerts.inc();
        context.output(new FraudAlert(window, historic));
      }
    }
  }
}
