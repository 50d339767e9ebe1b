package dev.streamstate.localstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A real single-node Cassandra 5.0 in its own JVM ({@code CassandraDaemon} from {@code
 * cassandra-all}), configured by the cassandra.yaml and logback.xml shipped here: one token, no
 * bootstrap, 127.0.0.1 only, free ports, small memtables, data under the given directory.
 */
public final class EmbeddedCassandra implements AutoCloseable {
  private static final Duration READY_WITHIN = Duration.ofSeconds(120);

  /** The flags of Cassandra's own conf/jvm17-server.options (JPMS and Netty). */
  private static final List<String> JVM17_OPTIONS =
      List.of(
          "-Djdk.attach.allowAttachSelf=true",
          "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
          "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
          "--add-exports=java.sql/java.sql=ALL-UNNAMED",
          "--add-exports=java.base/java.lang.ref=ALL-UNNAMED",
          "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
          "--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
          "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "-Dio.netty.tryReflectionSetAccessible=true",
          "-Dio.netty.allocator.useCacheForAllThreads=true",
          "-Dio.netty.allocator.maxOrder=11");

  private static final String KEYSTORE = "node-keystore.p12";
  private static final String TRUSTSTORE = "truststore.p12";
  private static final String TRUSTSTORE_PASSWORD_FILE = "truststore.password";

  private final ServerProcess process;
  private final int port;
  private final Path dir;

  private EmbeddedCassandra(ServerProcess process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /** Starts a node with CQL on a free port; returns once it accepts CQL connections. */
  public static EmbeddedCassandra start(Path dir) {
    return start(dir, ServerProcess.freePort());
  }

  /** Starts a node with CQL on {@code port}; returns once it accepts CQL connections. */
  public static EmbeddedCassandra start(Path dir, int port) {
    ServerProcess.checkFree("Cassandra", port);
    int storagePort = ServerProcess.freePort();
    Path yaml = dir.resolve("cassandra.yaml").toAbsolutePath();
    Path logback = dir.resolve("logback.xml").toAbsolutePath();
    try {
      Files.createDirectories(dir);
      String keystorePassword = certificate(dir);
      Files.writeString(
          yaml,
          ServerProcess.resource("cassandra.yaml")
              .replace("${native_transport_port}", Integer.toString(port))
              .replace("${storage_port}", Integer.toString(storagePort))
              .replace("${keystore}", dir.resolve(KEYSTORE).toAbsolutePath().toString())
              .replace("${keystore_password}", keystorePassword));
      Files.writeString(logback, ServerProcess.resource("cassandra-logback.xml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String classpath = ServerProcess.classpath("cassandra");
    String jamm =
        Arrays.stream(classpath.split(File.pathSeparator))
            .filter(jar -> new File(jar).getName().startsWith("jamm-"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("jamm is not on Cassandra's classpath"));
    List<String> jvm = new ArrayList<>(JVM17_OPTIONS);
    jvm.addAll(
        List.of(
            "-javaagent:" + jamm,
            "-Xms512m",
            "-Xmx1g",
            "-Djava.net.preferIPv4Stack=true",
            "-Dcassandra.config=" + yaml.toUri(),
            "-Dcassandra.storagedir=" + dir.resolve("data").toAbsolutePath(),
            "-Dlogback.configurationFile=" + logback,
            "-Dcassandra.logdir=" + dir.toAbsolutePath(),
            "-Dcassandra-foreground=yes",
            "-Dcassandra.ring_delay_ms=0",
            "-Dcassandra.skip_wait_for_gossip_to_settle=0",
            "-Dcassandra.superuser_setup_delay_ms=0"));
    ServerProcess process =
        ServerProcess.start(
            "Cassandra",
            "cassandra",
            jvm,
            "org.apache.cassandra.service.CassandraDaemon",
            List.of(),
            dir);
    process.awaitPort(port, READY_WITHIN);
    return new EmbeddedCassandra(process, port, dir);
  }

  /**
   * A self-signed certificate for 127.0.0.1 in the node's keystore and in a truststore for clients
   * (made by the JDK's keytool); returns the keystore's password. The node takes TLS and plain
   * connections alike on its one CQL port.
   */
  private static String certificate(Path dir) throws IOException {
    String password = Long.toHexString(new java.security.SecureRandom().nextLong());
    String keystore = dir.resolve(KEYSTORE).toAbsolutePath().toString();
    Path cert = dir.resolve("node.crt").toAbsolutePath();
    Files.deleteIfExists(dir.resolve(KEYSTORE));
    Files.deleteIfExists(dir.resolve(TRUSTSTORE));
    keytool(
        "-genkeypair",
        "-alias",
        "node",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=IP:127.0.0.1",
        "-validity",
        "3650",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore,
        "-storepass",
        password,
        "-keypass",
        password);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "node",
        "-keystore",
        keystore,
        "-storepass",
        password,
        "-file",
        cert.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "node",
        "-file",
        cert.toString(),
        "-storetype",
        "PKCS12",
        "-keystore",
        dir.resolve(TRUSTSTORE).toAbsolutePath().toString(),
        "-storepass",
        password);
    Files.writeString(dir.resolve(TRUSTSTORE_PASSWORD_FILE), password + "\n");
    return password;
  }

  private static void keytool(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output =
          new String(
              keytool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (keytool.waitFor() != 0) {
        throw new IOException("keytool " + args[0] + " failed: " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while making the node's certificate", e);
    }
  }

  public String host() {
    return "127.0.0.1";
  }

  /** The CQL (native protocol) port. */
  public int port() {
    return port;
  }

  /** A truststore (PKCS12) trusting the node's certificate, for clients that talk TLS to it. */
  public Path truststore() {
    return dir.resolve(TRUSTSTORE).toAbsolutePath();
  }

  /** The file holding {@link #truststore()}'s password. */
  public Path truststorePasswordFile() {
    return dir.resolve(TRUSTSTORE_PASSWORD_FILE).toAbsolutePath();
  }

  public ServerProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
