package dev.streamstate.transforms.common;

import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Passes elements through unchanged and counts them in a Beam counter, so a run's logs, its {@code
 * PipelineResult} and the Spark UI can say how many went by (results, dead letters, alerts).
 */
public final class Metered<T> extends PTransform<PCollection<T>, PCollection<T>> {
  /** The namespace of every counter of ours. */
  public static final String NAMESPACE = "streamstate";

  private final String counter;

  private Metered(String counter) {
    this.counter = counter;
  }

  /** Counts into {@code streamstate/<counter>}. */
  public static <T> Metered<T> as(String counter) {
    return new Metered<>(counter);
  }

  /** Every counter in {@link #NAMESPACE} by name, summed over the steps that count it. */
  public static Map<String, Long> counters(PipelineResult result) {
    Map<String, Long> counters = new TreeMap<>();
    MetricsFilter ours =
        MetricsFilter.builder().addNameFilter(MetricNameFilter.inNamespace(NAMESPACE)).build();
    for (MetricResult<Long> counter : result.metrics().queryMetrics(ours).getCounters()) {
      counters.merge(counter.getName().getName(), counter.getAttempted(), Long::sum);
    }
    return counters;
  }

  @Override
  public PCollection<T> expand(PCollection<T> elements) {
    return elements
        .apply("Count_" + counter, ParDo.of(new CountFn<T>(counter)))
        .setCoder(elements.getCoder());
  }

  private static final class CountFn<T> extends DoFn<T, T> {
    private final Counter counter;

    CountFn(String name) {
      this.counter = Metrics.counter(NAMESPACE, name);
    }

    @ProcessElement
    public void process(@Element T element, OutputReceiver<T> out) {
      counter.inc();
      out.output(element);
    }
  }
}
