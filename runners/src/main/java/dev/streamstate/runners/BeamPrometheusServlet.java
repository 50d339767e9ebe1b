package dev.streamstate.runners;

import com.codahale.metrics.MetricRegistry;
import java.util.Properties;
import org.apache.beam.runners.spark.metrics.WithMetricsSupport;
import org.apache.spark.metrics.sink.PrometheusServlet;

/**
 * Spark's Prometheus endpoint on the driver's UI, with Beam's counters in it one by one. Beam
 * registers all of a job's metrics with Spark as one gauge whose value is a map; Spark's own
 * servlet writes that map's {@code toString()} as the value, which is no Prometheus number (a
 * scraper rejects the whole page). Beam's own sinks for Spark (CSV, Graphite) unfold the map
 * through the runner's {@link WithMetricsSupport}; this does the same for Prometheus. Spark finds
 * it by the sink name {@code prometheusServlet} (see {@link SparkStreaming#PROMETHEUS_PATH}).
 */
public class BeamPrometheusServlet extends PrometheusServlet {
  /** The constructor Spark's metrics system calls for a sink (Spark 3.2 and later). */
  public BeamPrometheusServlet(Properties properties, MetricRegistry registry) {
    super(properties, WithMetricsSupport.forRegistry(registry));
  }
}
