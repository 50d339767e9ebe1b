package dev.streamstate.localstack;

import java.lang.reflect.Method;
import java.util.Arrays;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs a server's main class in a child JVM that ends when its parent does: {@code ParentWatch
 * <parent pid> <main class> [args…]}. If a test JVM is killed, its Kafka and Cassandra exit cleanly
 * (through their own shutdown hooks) instead of running on.
 *
 * <p>The child ignores SIGINT: a Ctrl-C in the terminal goes to the whole process group, and the
 * servers must outlive the job that reads from them until that job has stopped; their parent stops
 * them (SIGTERM) afterwards, or they follow it when it ends.
 */
public final class ParentWatch {
  private ParentWatch() {}

  public static void main(String[] args) throws Exception {
    Signal.handle(new Signal("INT"), SignalHandler.SIG_IGN);
    long parent = Long.parseLong(args[0]);
    ProcessHandle.of(parent)
        .ifPresentOrElse(
            handle -> handle.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
    Method main = Class.forName(args[1]).getMethod("main", String[].class);
    main.invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
  }
}
