package dev.streamstate.pipelines.cli;

import dev.streamstate.pipelines.BestSellerPipeline;
import dev.streamstate.pipelines.FraudPipeline;
import dev.streamstate.pipelines.JoinPipeline;
import dev.streamstate.pipelines.RunningWordCountPipeline;
import dev.streamstate.pipelines.SessionPipelines;
import dev.streamstate.pipelines.WindowOpsPipeline;
import dev.streamstate.pipelines.WordCountPipelines;
import dev.streamstate.pipelines.commands.FraudDemoCommand;
import dev.streamstate.pipelines.commands.HistoryLoader;
import dev.streamstate.pipelines.commands.LocalClusterCommand;
import dev.streamstate.pipelines.commands.LocalStackCommand;
import dev.streamstate.pipelines.commands.TransactionProducer;
import dev.streamstate.pipelines.options.StreamStateOptions;
import dev.streamstate.pipelines.runtime.Job;
import dev.streamstate.pipelines.runtime.PipelineSpec;
import dev.streamstate.pipelines.runtime.Sources;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The one entry point: {@code streamstate <pipeline> [--option=value …]}. The same arguments work
 * with {@code mvn -pl pipelines exec:java -Dexec.args="…"}, {@code java -jar streamstate.jar …} and
 * {@code spark-submit streamstate.jar …}.
 */
public final class StreamState {
  public static final List<PipelineSpec<?>> PIPELINES =
      List.of(
          WordCountPipelines.PER_BATCH,
          RunningWordCountPipeline.SPEC,
          WordCountPipelines.SLIDING,
          WindowOpsPipeline.SPEC,
          BestSellerPipeline.SPEC,
          SessionPipelines.SESSIONS,
          SessionPipelines.ACTIVITY_RUNS,
          FraudPipeline.SPEC,
          JoinPipeline.SPEC);

  static final List<CommandSpec<?>> COMMANDS =
      List.of(
          new CommandSpec<>(
              "local-stack",
              "start Kafka and Cassandra on 127.0.0.1 with topics, schema and sample history; Ctrl-C stops",
              LocalStackCommand.Options.class,
              LocalStackCommand::run),
          new CommandSpec<>(
              "local-cluster",
              "start a Spark standalone Master and Worker on 127.0.0.1 and print how to submit to them; Ctrl-C stops",
              LocalClusterCommand.Options.class,
              options -> LocalClusterCommand.run(options, StreamState.class.getName())),
          new CommandSpec<>(
              "produce-transactions",
              "write CSV transactions to Kafka: a fixed ledger of 100, or random ones (--randomize)",
              TransactionProducer.Options.class,
              TransactionProducer::run),
          new CommandSpec<>(
              "fraud-demo",
              "the fraud example end to end: Kafka, Cassandra, history, producer and the fraud pipeline; Ctrl-C stops all",
              FraudPipeline.Options.class,
              FraudDemoCommand::run),
          new CommandSpec<>(
              "load-history",
              "load historic averages (CSV account,average) into Cassandra finances.account_aggregates",
              HistoryLoader.Options.class,
              HistoryLoader::run));

  private StreamState() {}

  public static void main(String[] args) {
    logConfigBesideTheJar();
    // Exit explicitly: runner and client threads must not keep a finished job's JVM alive.
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Logs as the {@code log4j2.properties} beside the jar (or beside the classes directory) says,
   * unless {@code -Dlog4j2.configurationFile} names another. The file is not in any jar: a jar's
   * own log4j2.properties would override the logging of every cluster the jar is shipped to.
   */
  private static void logConfigBesideTheJar() {
    if (System.getProperty("log4j2.configurationFile") != null) {
      return;
    }
    try {
      Path code =
          Path.of(StreamState.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path config = code.resolveSibling("log4j2.properties");
      if (Files.isRegularFile(config)) {
        System.setProperty("log4j2.configurationFile", config.toString());
      }
    } catch (URISyntaxException | RuntimeException e) {
      // No file found: the logging of the classpath (Spark's defaults, a cluster's own).
    }
  }

  /** Runs the command; returns the process exit code (2 for a usage error). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || isHelp(args[0])) {
      printUsage(out);
      return args.length == 0 ? 2 : 0;
    }
    CommandSpec<?> command =
        COMMANDS.stream().filter(c -> c.name().equals(args[0])).findFirst().orElse(null);
    if (command != null) {
      return runCommand(command, Arrays.copyOfRange(args, 1, args.length), out, err);
    }
    PipelineSpec<?> spec = find(args[0]);
    if (spec == null) {
      err.println(
          "streamstate: unknown pipeline '"
              + args[0]
              + "': choose one of "
              + names()
              + " (see --help)");
      return 2;
    }
    String[] options = Arrays.copyOfRange(args, 1, args.length);
    if (Arrays.stream(options).anyMatch(StreamState::isHelp)) {
      printHelp(spec, out);
      return 0;
    }
    try {
      launch(spec, options, err);
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("streamstate " + spec.name() + ": " + firstLine(e.getMessage()));
      return 2;
    } catch (RuntimeException e) {
      // The job failed while running (e.g. a sink gave up): say why in one line, not a trace.
      err.println("streamstate " + spec.name() + ": stopped: " + firstLine(rootCause(e)));
      return 1;
    }
  }

  /** The innermost message of a failure: the runner wraps a DoFn's error several times. */
  public static String rootCause(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  private static <O extends PipelineOptions> int runCommand(
      CommandSpec<O> command, String[] args, PrintStream out, PrintStream err) {
    if (Arrays.stream(args).anyMatch(StreamState::isHelp)) {
      out.println("streamstate " + command.name() + ": " + command.summary());
      out.println();
      printOptions(command.optionsType(), Map.of(), out);
      return 0;
    }
    try {
      checkNumbers(args, command.optionsType());
      command
          .run()
          .run(PipelineOptionsFactory.fromArgs(args).withValidation().as(command.optionsType()));
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("streamstate " + command.name() + ": " + firstLine(e.getMessage()));
      return 2;
    } catch (IllegalStateException e) {
      err.println("streamstate " + command.name() + ": " + firstLine(e.getMessage()));
      return 1;
    } catch (Exception e) {
      err.println(
          "streamstate " + command.name() + ": " + firstLine(String.valueOf(e.getMessage())));
      return 1;
    }
  }

  private static <O extends StreamStateOptions> void launch(
      PipelineSpec<O> spec, String[] args, PrintStream err) {
    checkNumbers(args, spec.optionsType());
    O options =
        PipelineOptionsFactory.fromArgs(withDefaults(args, spec.defaults()))
            .withValidation()
            .as(spec.optionsType());
    PipelineResult result = Job.run(spec, options);
    if (Sources.named(options.getSource()).finite()) {
      err.println("streamstate " + spec.name() + ": " + Job.summary(result, options));
    }
  }

  /** Names the option in the message when a number option is given something else. */
  private static void checkNumbers(String[] args, Class<?> optionsType) {
    Map<String, Method> options = ownOptions(optionsType);
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (!arg.startsWith("--") || equals < 0) {
        continue;
      }
      Method getter = options.get(arg.substring(2, equals));
      String value = arg.substring(equals + 1);
      if (getter != null
          && (getter.getReturnType() == long.class || getter.getReturnType() == int.class)) {
        try {
          Long.parseLong(value);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              arg.substring(0, equals) + " must be a whole number, got '" + value + "'");
        }
      }
    }
  }

  /** The pipeline's own defaults go first, unless the arguments set the same option. */
  public static String[] withDefaults(String[] args, Map<String, String> defaults) {
    List<String> all = new ArrayList<>();
    defaults.forEach(
        (name, value) -> {
          if (Arrays.stream(args)
              .noneMatch(a -> a.startsWith("--" + name + "=") || a.equals("--" + name))) {
            all.add("--" + name + "=" + value);
          }
        });
    all.addAll(Arrays.asList(args));
    return all.toArray(String[]::new);
  }

  private static PipelineSpec<?> find(String name) {
    return PIPELINES.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
  }

  private static String names() {
    List<String> names = new ArrayList<>(PIPELINES.stream().map(PipelineSpec::name).toList());
    names.addAll(COMMANDS.stream().map(CommandSpec::name).toList());
    return String.join(", ", names);
  }

  private static boolean isHelp(String arg) {
    return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
  }

  private static String firstLine(String message) {
    return message == null ? "invalid options" : message.lines().findFirst().orElse(message);
  }

  private static void printUsage(PrintStream out) {
    out.println("usage: streamstate <pipeline> [--option=value ...]");
    out.println();
    out.println("pipelines:");
    for (PipelineSpec<?> spec : PIPELINES) {
      out.printf("  %-20s %s%n", spec.name(), spec.summary());
    }
    out.println();
    out.println("commands:");
    for (CommandSpec<?> command : COMMANDS) {
      out.printf("  %-20s %s%n", command.name(), command.summary());
    }
    out.println();
    out.println(
        "streamstate <pipeline> --help lists a pipeline's options. Every pipeline also takes");
    out.println("Beam's runner options: --runner=DirectRunner|SparkRunner, --sparkMaster=…,");
    out.println("--checkpointDir=… (see Beam's SparkPipelineOptions).");
  }

  private static void printHelp(PipelineSpec<?> spec, PrintStream out) {
    out.println("streamstate " + spec.name() + ": " + spec.summary());
    out.println("output: " + spec.outputFields());
    out.println(
        "identity (the key of a Kafka message, --sink=kafka): "
            + String.join(", ", spec.identity()));
    out.println();
    printOptions(spec.optionsType(), spec.defaults(), out);
    out.println();
    out.println(
        "plus Beam's runner options: --runner=DirectRunner|SparkRunner, --sparkMaster, --checkpointDir");
  }

  private static void printOptions(
      Class<?> optionsType, Map<String, String> defaults, PrintStream out) {
    out.println("options:");
    for (Map.Entry<String, Method> option : ownOptions(optionsType).entrySet()) {
      Method getter = option.getValue();
      Description description = getter.getAnnotation(Description.class);
      String fallback = defaults.getOrDefault(option.getKey(), defaultOf(getter));
      out.printf(
          "  --%-24s %s%s%n",
          option.getKey(),
          description == null ? "" : description.value(),
          fallback == null ? "" : " (default: " + (fallback.isEmpty() ? "none" : fallback) + ")");
    }
  }

  /** The options our own interfaces declare, by name, in the order a reader expects. */
  private static Map<String, Method> ownOptions(Class<?> type) {
    Map<String, Method> options = new TreeMap<>();
    for (Method method : type.getMethods()) {
      boolean ours = method.getDeclaringClass().getPackageName().startsWith("dev.streamstate");
      String name = method.getName();
      if (ours
          && method.getParameterCount() == 0
          && (name.startsWith("get") || name.startsWith("is"))) {
        String property = name.substring(name.startsWith("get") ? 3 : 2);
        options.put(Character.toLowerCase(property.charAt(0)) + property.substring(1), method);
      }
    }
    return options;
  }

  private static String defaultOf(Method getter) {
    if (getter.getAnnotation(Default.String.class) != null) {
      return getter.getAnnotation(Default.String.class).value();
    }
    if (getter.getAnnotation(Default.Long.class) != null) {
      return Long.toString(getter.getAnnotation(Default.Long.class).value());
    }
    if (getter.getAnnotation(Default.Integer.class) != null) {
      return Integer.toString(getter.getAnnotation(Default.Integer.class).value());
    }
    if (getter.getAnnotation(Default.Boolean.class) != null) {
      return Boolean.toString(getter.getAnnotation(Default.Boolean.class).value());
    }
    return null;
  }
}
