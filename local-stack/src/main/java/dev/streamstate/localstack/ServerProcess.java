package dev.streamstate.localstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A server in a JVM of its own, started from the classpath its {@code *-server} module resolved,
 * logging to a file, watched by {@link ParentWatch}, and stopped by its process id. Failures are
 * reported in one line that names the log.
 */
public final class ServerProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private ServerProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code mainClass} with the server classpath named {@code server} (e.g. "kafka"). */
  static ServerProcess start(
      String name,
      String server,
      List<String> jvmArgs,
      String mainClass,
      List<String> args,
      Path dir) {
    return start(name, server, jvmArgs, mainClass, args, dir, Map.of());
  }

  /**
   * As {@link #start(String, String, List, String, List, Path)}, with extra environment variables.
   */
  static ServerProcess start(
      String name,
      String server,
      List<String> jvmArgs,
      String mainClass,
      List<String> args,
      Path dir,
      Map<String, String> environment) {
    return startWithClasspath(name, classpath(server), jvmArgs, mainClass, args, dir, environment);
  }

  /**
   * Starts {@code mainClass} from {@code classpath} (e.g. a test's own, to run a pipeline as the
   * separate driver JVM a crash test kills), logging to {@code <dir>/<name>.log}.
   */
  public static ServerProcess startWithClasspath(
      String name,
      String classpath,
      List<String> jvmArgs,
      String mainClass,
      List<String> args,
      Path dir) {
    return startWithClasspath(name, classpath, jvmArgs, mainClass, args, dir, Map.of());
  }

  /**
   * As {@link #startWithClasspath(String, String, List, String, List, Path)}, with extra
   * environment variables.
   */
  public static ServerProcess startWithClasspath(
      String name,
      String classpath,
      List<String> jvmArgs,
      String mainClass,
      List<String> args,
      Path dir,
      Map<String, String> environment) {
    List<String> command = java(jvmArgs, classpath + java.io.File.pathSeparator + ownLocation());
    command.add(ParentWatch.class.getName());
    command.add(Long.toString(ProcessHandle.current().pid()));
    command.add(mainClass);
    command.addAll(args);
    Path log = dir.resolve(name.toLowerCase() + ".log");
    try {
      Files.createDirectories(dir);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().putAll(environment);
      Process process = builder.start();
      return new ServerProcess(name, process, log);
    } catch (IOException e) {
      throw new IllegalStateException(name + " could not be started: " + e.getMessage(), e);
    }
  }

  /** Runs a command of the server's tools to its end (e.g. formatting storage). */
  static void runTool(String server, String mainClass, List<String> args, Path dir) {
    List<String> command = java(List.of(), classpath(server));
    command.add(mainClass);
    command.addAll(args);
    try {
      Process tool =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String output = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!tool.waitFor(2, TimeUnit.MINUTES) || tool.exitValue() != 0) {
        throw new IllegalStateException(
            mainClass
                + " failed: "
                + output
                    .lines()
                    .filter(line -> !line.startsWith("\t") && !line.startsWith("SLF4J"))
                    .findFirst()
                    .orElse(output));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The start of a command line: this JDK's java, the JVM flags, the classpath. */
  private static List<String> java(List<String> jvmArgs, String classpath) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(classpath);
    return command;
  }

  /** Waits until the server accepts connections on {@code port}, or fails in one line. */
  void awaitPort(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with code " + process.exitValue() + " before it was ready; see " + log);
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        sleep(200);
      }
    }
    close();
    throw new IllegalStateException(
        name
            + " did not listen on 127.0.0.1:"
            + port
            + " within "
            + timeout.toSeconds()
            + " s; see "
            + log);
  }

  /** The process id, to stop only what was started here. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /**
   * SIGTERM, as YARN, Kubernetes or systemd would stop it; waits up to {@code within} for the
   * process to end and returns its exit code, or empty if it still runs (then it is left running).
   */
  public OptionalInt terminate(Duration within) {
    process.destroy();
    return awaitExit(within);
  }

  /**
   * Waits up to {@code within} for the process to end; its exit code, or empty if it still runs.
   */
  public OptionalInt awaitExit(Duration within) {
    try {
      return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)
          ? OptionalInt.of(process.exitValue())
          : OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.empty();
    }
  }

  /** SIGKILL, as a crash would: no shutdown hook runs, nothing is flushed. */
  public void kill() {
    try {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** SIGTERM, so the server shuts down cleanly; SIGKILL if it has not after 30 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Fails in one line when {@code port} is taken on 127.0.0.1 (by a server already running?). */
  static void checkFree(String server, int port) {
    try (ServerSocket socket =
        new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
    } catch (IOException e) {
      throw new IllegalStateException(
          "port "
              + port
              + " on 127.0.0.1 is taken, so "
              + server
              + " cannot start there (is one already running?)");
    }
  }

  /**
   * Where {@link #freePort} looks: below the ports the system hands out to outgoing connections
   * (Linux 32768-60999, macOS 49152-65535). A port the system chose is free only until a server
   * binds it, seconds later for Cassandra, and in between an outgoing connection of another server
   * starting at the same time could take it as its own end ("Address already in use").
   */
  static final int FIRST_PORT = 20_000;

  static final int LAST_PORT = 32_767;

  /** The ports {@link #freePort} gave, so that this process never gives one twice. */
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  /** A port free on 127.0.0.1 right now, that no outgoing connection will take, given once. */
  public static int freePort() {
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(FIRST_PORT, LAST_PORT + 1);
      if (!GIVEN.add(port)) {
        continue;
      }
      try (ServerSocket socket =
          new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        socket.setReuseAddress(true);
        return port;
      } catch (IOException taken) {
        // in use by another server: try another
      }
    }
    throw new IllegalStateException(
        "no free port on 127.0.0.1 between "
            + FIRST_PORT
            + " and "
            + LAST_PORT
            + " after 1000 tries");
  }

  static String resource(String name) {
    try (InputStream in = ServerProcess.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "missing resource " + name + ": build the local-stack module with Maven");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The runtime classpath Maven resolved for the server, kept as a resource at build time. */
  static String classpath(String server) {
    String classpath = resource(server + ".classpath").strip();
    checkPresent(server, classpath);
    return classpath;
  }

  /**
   * Fails in one line when the server's jars are not where the build found them: a jar taken to
   * another machine names the Maven repository of the machine that built it.
   */
  static void checkPresent(String server, String classpath) {
    List<String> missing =
        Arrays.stream(classpath.split(File.pathSeparator))
            .filter(jar -> !Files.exists(Path.of(jar)))
            .toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "the "
              + server
              + " server's jars are not on this machine ("
              + missing.size()
              + " missing, e.g. "
              + missing.get(0)
              + "): the local servers run from the Maven repository of the machine that"
              + " built this jar; here, run them from a checkout: ./streamstate local-stack");
    }
  }

  private static String ownLocation() {
    try {
      return Path.of(ParentWatch.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
