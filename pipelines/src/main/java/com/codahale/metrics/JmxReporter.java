package com.codahale.metrics;

/**
 * Lets Beam's CassandraIO run beside Spark. Its DataStax driver 3.x reports metrics over JMX with
 * Dropwizard Metrics 3's {@code com.codahale.metrics.JmxReporter}; Spark brings Metrics 4, where
 * that class moved to {@code com.codahale.metrics.jmx.JmxReporter}, and CassandraIO has no switch
 * to turn JMX reporting off. Without this bridge every CassandraIO read or write fails with {@code
 * NoClassDefFoundError: com/codahale/metrics/JmxReporter}. It offers exactly what the driver calls,
 * delegating to the Metrics 4 reporter.
 */
public final class JmxReporter implements AutoCloseable {
  private final com.codahale.metrics.jmx.JmxReporter reporter;

  private JmxReporter(com.codahale.metrics.jmx.JmxReporter reporter) {
    this.reporter = reporter;
  }

  public static Builder forRegistry(MetricRegistry registry) {
    return new Builder(com.codahale.metrics.jmx.JmxReporter.forRegistry(registry));
  }

  public void start() {
    reporter.start();
  }

  public void stop() {
    reporter.stop();
  }

  @Override
  public void close() {
    reporter.close();
  }

  /** The builder the driver uses: a domain, then build. */
  public static final class Builder {
    private final com.codahale.metrics.jmx.JmxReporter.Builder builder;

    private Builder(com.codahale.metrics.jmx.JmxReporter.Builder builder) {
      this.builder = builder;
    }

    public Builder inDomain(String domain) {
      builder.inDomain(domain);
      return this;
    }

    public JmxReporter build() {
      return new JmxReporter(builder.build());
    }
  }
}
