package dev.streamstate.pipelines.io.cassandra;

import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.ConsistencyLevel;
import com.datastax.driver.core.QueryOptions;
import com.datastax.driver.core.RemoteEndpointAwareJdkSSLOptions;
import com.datastax.driver.core.SSLOptions;
import com.datastax.driver.core.policies.DCAwareRoundRobinPolicy;
import com.datastax.driver.core.policies.TokenAwarePolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.beam.sdk.io.cassandra.CassandraIO;
import org.apache.beam.sdk.options.ValueProvider;

/**
 * The Cassandra cluster as the options name it, and the one place the project's clients are
 * configured from them — the driver's {@link Cluster} and CassandraIO's reads and writes alike:
 * contact points and port, the local datacenter (token-aware, that datacenter's nodes first), the
 * consistency level, TLS with a truststore from a file, and the login. Checked when made, so a bad
 * option fails before the job starts; files are read again where each client is made.
 */
public final class CassandraEndpoint implements Serializable {
  private final List<String> hosts;
  private final int port;
  private final String localDc;
  private final String consistency;
  private final Tls tls;
  private final CassandraLogin login;

  private CassandraEndpoint(
      List<String> hosts,
      int port,
      String localDc,
      String consistency,
      Tls tls,
      CassandraLogin login) {
    this.hosts = hosts;
    this.port = port;
    this.localDc = localDc;
    this.consistency = consistency;
    this.tls = tls;
    this.login = login;
  }

  /** The cluster the options name; fails fast, with what to fix, when they cannot work. */
  public static CassandraEndpoint of(CassandraOptions options) {
    List<String> hosts =
        options.getCassandraHosts() == null
            ? List.of()
            : Arrays.stream(options.getCassandraHosts().split(","))
                .map(String::strip)
                .filter(h -> !h.isEmpty())
                .toList();
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException(
          "--cassandraHosts is empty: give one or more contact points, e.g. --cassandraHosts=10.0.0.1,10.0.0.2");
    }
    if (options.getCassandraPort() < 1 || options.getCassandraPort() > 65535) {
      throw new IllegalArgumentException(
          "--cassandraPort=" + options.getCassandraPort() + " is not a port (1 to 65535)");
    }
    String consistency =
        String.valueOf(options.getCassandraConsistency())
            .strip()
            .toUpperCase(java.util.Locale.ROOT);
    try {
      ConsistencyLevel.valueOf(consistency);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--cassandraConsistency="
              + options.getCassandraConsistency()
              + " is not a consistency level; one of "
              + Arrays.stream(ConsistencyLevel.values())
                  .map(Enum::name)
                  .collect(Collectors.joining(", ")));
    }
    Tls tls = Tls.of(options);
    if (tls != null) {
      tls.context(); // readable, and a truststore, now rather than on a worker
    }
    return new CassandraEndpoint(
        hosts,
        options.getCassandraPort(),
        blankToNull(options.getCassandraLocalDc()),
        consistency,
        tls,
        CassandraLogin.of(options));
  }

  /** A driver client for callers that open and close their own. */
  public Cluster cluster() {
    Cluster.Builder builder =
        Cluster.builder()
            .addContactPoints(hosts.toArray(String[]::new))
            .withPort(port)
            .withQueryOptions(
                new QueryOptions().setConsistencyLevel(ConsistencyLevel.valueOf(consistency)))
            .withoutJMXReporting()
            .withoutMetrics();
    if (localDc != null) {
      builder.withLoadBalancingPolicy(
          new TokenAwarePolicy(DCAwareRoundRobinPolicy.builder().withLocalDc(localDc).build()));
    }
    if (tls != null) {
      builder.withSSL(tls.options());
    }
    return login.onto(builder).build();
  }

  /** CassandraIO's read of this cluster. */
  public <T> CassandraIO.Read<T> onto(CassandraIO.Read<T> read) {
    read = read.withHosts(hosts).withPort(port).withConsistencyLevel(consistency);
    read = localDc == null ? read : read.withLocalDc(localDc);
    return login.onto(tls == null ? read : read.withSsl(tls));
  }

  /** CassandraIO's write to this cluster. */
  public <T> CassandraIO.Write<T> onto(CassandraIO.Write<T> write) {
    write = write.withHosts(hosts).withPort(port).withConsistencyLevel(consistency);
    write = localDc == null ? write : write.withLocalDc(localDc);
    return login.onto(tls == null ? write : write.withSsl(tls));
  }

  /** The datacenter asked for, if any. */
  String localDc() {
    return localDc;
  }

  /** Where, for messages: {@code host[,host…]:port}. */
  String address() {
    return String.join(",", hosts) + ":" + port;
  }

  /** Everything that makes a client differ, so one JVM keeps one session per distinct endpoint. */
  @Override
  public String toString() {
    return address()
        + (localDc == null ? "" : " in " + localDc)
        + " at "
        + consistency
        + (tls == null ? "" : " over TLS (" + tls + ")")
        + " as "
        + login;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  /**
   * TLS trusting the certificates of a truststore file, read where each client is made (the
   * driver's {@link SSLOptions} is not serializable); CassandraIO takes it as a value provider.
   */
  private static final class Tls implements ValueProvider<SSLOptions> {
    private final String truststore;
    private final String passwordFile;

    private Tls(String truststore, String passwordFile) {
      this.truststore = truststore;
      this.passwordFile = passwordFile;
    }

    public static Tls of(CassandraOptions options) {
      String truststore = blankToNull(options.getCassandraTruststore());
      String passwordFile = blankToNull(options.getCassandraTruststorePasswordFile());
      if (truststore == null && passwordFile != null) {
        throw new IllegalArgumentException(
            "--cassandraTruststorePasswordFile needs --cassandraTruststore=FILE");
      }
      return truststore == null ? null : new Tls(truststore, passwordFile);
    }

    SSLOptions options() {
      return RemoteEndpointAwareJdkSSLOptions.builder().withSSLContext(context()).build();
    }

    SSLContext context() {
      String option = "--cassandraTruststore=" + truststore;
      char[] password =
          passwordFile == null
              ? null
              : CassandraLogin.firstLine(passwordFile, "--cassandraTruststorePasswordFile")
                  .toCharArray();
      try (InputStream in = Files.newInputStream(Path.of(truststore))) {
        // The default type (PKCS12) reads JKS files too.
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(in, password);
        TrustManagerFactory trust =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException(
            option + " cannot be read as a truststore: " + e.getMessage());
      }
    }

    @Override
    public SSLOptions get() {
      return options();
    }

    @Override
    public boolean isAccessible() {
      return true;
    }

    @Override
    public String toString() {
      return "trusting " + truststore;
    }
  }
}
