package dev.streamstate.pipelines;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streamstate.localstack.EmbeddedCassandra;
import dev.streamstate.localstack.EmbeddedKafka;
import dev.streamstate.pipelines.cli.StreamState;
import dev.streamstate.pipelines.options.StreamStateOptions;
import dev.streamstate.pipelines.runtime.Job;
import dev.streamstate.pipelines.runtime.PipelineSpec;
import dev.streamstate.testing.RealServers;
import dev.streamstate.transforms.common.RecordCoder;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.DelegateCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StructuredCoder;
import org.apache.beam.sdk.io.Source;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No event goes through Java serialization: every pipeline the entry point offers, built (not run)
 * from a command line as a user gives it, with each branch its options choose, has no Beam {@code
 * SerializableCoder} in any collection's coder, down to the components (a key-value's value, a
 * nullable's value, a record's components), in any state cell of its stateful DoFns, nor in any
 * combine's accumulator. Java serialization writes a class descriptor with every element and was a
 * fifth of a running count's batch time; a record of ours that lost its coder would fall back to it
 * without a word.
 *
 * <p>A read's own plumbing is let through: Beam's reads carry their source or their IO's
 * configuration that way, one element per source or split, never an event.
 */
class NoJavaSerializationTest {
  @TempDir static Path dir;

  @BeforeAll
  static void files() throws IOException {
    for (String file : new String[] {"left", "right", "history.csv"}) {
      Files.writeString(dir.resolve(file), "");
    }
  }

  /** Each pipeline from each server-less source, then the branches its own options choose. */
  static Stream<String> withoutServers() {
    List<String> commands = new ArrayList<>();
    for (PipelineSpec<?> spec : StreamState.PIPELINES) {
      String name = spec.name();
      String own =
          " --input=LEFT"
              + (name.equals("join") ? " --rightInput=RIGHT" : "")
              + (name.equals("fraud") ? " --historyFile=HISTORY" : "");
      commands.add(name + " --source=generator");
      commands.add(name + " --source=generator --runner=SparkRunner");
      commands.add(name + " --source=file" + own);
      commands.add(name + " --source=file --streaming=true" + own);
    }
    commands.addAll(
        List.of(
            "word-count --source=file --input=LEFT --sink=file --output=OUT --deadLetters=DEAD",
            "running-word-count --source=generator --idleTimeoutSeconds=0 --initialState=a=1",
            "window-ops --source=generator --op=count-by-value-and-window",
            "window-ops --source=generator --op=reduce-by-window",
            "window-ops --source=generator --op=reduce-by-key-and-window",
            "best-seller --source=generator --allTime",
            "sessions --source=generator --idleTimeoutSeconds=30",
            "fraud --source=generator --snapshotSeconds=5",
            "join --source=generator --joinType=full",
            "join --source=generator --joinType=full --withinSeconds=5"));
    return commands.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("withoutServers")
  void noPipelineJavaSerializesItsEvents(String command) {
    assertNoJavaSerialization(command);
  }

  /**
   * Fraud's history from Cassandra, once with CassandraIO or re-read as the stream goes, and the
   * Kafka and Cassandra ends: building these reaches the servers (the schema, the table as it is),
   * so they get a real node and broker, as the Cassandra and Kafka tests do.
   */
  @Nested
  @ExtendWith(RealServers.class)
  class WithServers {
    static Stream<String> withServers() {
      return Stream.of(
          "fraud --source=file --input=LEFT",
          "fraud --source=file --streaming=true --input=LEFT",
          "fraud --source=kafka --topic=transactions --sink=cassandra",
          "sessions --source=kafka --topic=events --sink=kafka --outputTopic=sessions");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withServers")
    void noPipelineJavaSerializesItsEvents(String command) {
      EmbeddedKafka kafka = RealServers.kafka();
      EmbeddedCassandra cassandra = RealServers.cassandra();
      TestCassandra.schema(cassandra); // jobs only check it
      assertNoJavaSerialization(
          command
              + " --bootstrapServers="
              + kafka.bootstrapServers()
              + " --cassandraHosts="
              + cassandra.host()
              + " --cassandraPort="
              + cassandra.port());
    }
  }

  private static void assertNoJavaSerialization(String command) {
    String[] args =
        command
            .replace("LEFT", dir.resolve("left").toString())
            .replace("RIGHT", dir.resolve("right").toString())
            .replace("HISTORY", dir.resolve("history.csv").toString())
            .replace("OUT", dir.resolve("out").toString())
            .replace("DEAD", dir.resolve("dead").toString())
            .split(" ");
    PipelineSpec<?> spec =
        StreamState.PIPELINES.stream()
            .filter(p -> p.name().equals(args[0]))
            .findFirst()
            .orElseThrow();
    List<String> found = javaSerialized(build(spec, Arrays.copyOfRange(args, 1, args.length)));
    assertTrue(
        found.isEmpty(),
        () -> command + " Java-serializes:\n  " + String.join("\n  ", found) + "\n");
  }

  /** The job as the entry point builds it from these arguments, not run. */
  private static <O extends StreamStateOptions> Pipeline build(
      PipelineSpec<O> spec, String[] args) {
    O options =
        PipelineOptionsFactory.fromArgs(StreamState.withDefaults(args, spec.defaults()))
            .withValidation()
            .as(spec.optionsType());
    return Job.build(spec, options);
  }

  /** Where the graph Java-serializes: each as "what: its coder (the offending part)". */
  static List<String> javaSerialized(Pipeline pipeline) {
    List<String> found = new ArrayList<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitValue(PValue value, TransformHierarchy.Node producer) {
            if (value instanceof PCollection<?> collection) {
              check("PCollection " + collection.getName(), collection.getCoder(), found);
              check(
                  "windows of PCollection " + collection.getName(),
                  collection.getWindowingStrategy().getWindowFn().windowCoder(),
                  found);
            }
          }

          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            // Every Combine becomes this; the runners ship its accumulators between the partial
            // and final combines.
            if (node.getTransform() instanceof Combine.GroupedValues<?, ?, ?> combine) {
              check(
                  "accumulator of " + node.getFullName(),
                  accumulatorCoder(combine, node, pipeline),
                  found);
            }
            return CompositeBehavior.ENTER_TRANSFORM;
          }

          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            if (node.getTransform() instanceof ParDo.MultiOutput<?, ?> parDo) {
              DoFn<?, ?> fn = parDo.getFn();
              DoFnSignature signature = DoFnSignatures.getSignature(fn.getClass());
              for (DoFnSignature.StateDeclaration state : signature.stateDeclarations().values()) {
                for (Coder<?> coder : stateCoders(fn, state)) {
                  check(
                      "state '"
                          + state.id()
                          + "' of "
                          + fn.getClass().getName()
                          + " in "
                          + node.getFullName(),
                      coder,
                      found);
                }
              }
            }
          }
        });
    return found;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Coder<?> accumulatorCoder(
      Combine.GroupedValues<?, ?, ?> combine, TransformHierarchy.Node node, Pipeline pipeline) {
    PCollection input = (PCollection) node.getInputs().values().iterator().next();
    return ((Combine.GroupedValues) combine)
        .getAppliedFn(pipeline.getCoderRegistry(), input.getCoder(), input.getWindowingStrategy())
        .getAccumulatorCoder();
  }

  /** The coders of a state cell, as its DoFn declares it (Beam has set any it inferred by now). */
  private static List<Coder<?>> stateCoders(DoFn<?, ?> fn, DoFnSignature.StateDeclaration state) {
    StateSpec<?> spec;
    try {
      Field field = state.field();
      field.setAccessible(true);
      spec = (StateSpec<?>) field.get(fn);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
    return spec.match(
        new StateSpec.Cases<List<Coder<?>>>() {
          @Override
          public List<Coder<?>> dispatchValue(Coder<?> valueCoder) {
            return List.of(valueCoder);
          }

          @Override
          public List<Coder<?>> dispatchBag(Coder<?> elementCoder) {
            return List.of(elementCoder);
          }

          @Override
          public List<Coder<?>> dispatchOrderedList(Coder<?> elementCoder) {
            return List.of(elementCoder);
          }

          @Override
          public List<Coder<?>> dispatchCombining(
              Combine.CombineFn<?, ?, ?> combineFn, Coder<?> accumCoder) {
            return List.of(accumCoder);
          }

          @Override
          public List<Coder<?>> dispatchMap(Coder<?> keyCoder, Coder<?> valueCoder) {
            return List.of(keyCoder, valueCoder);
          }

          @Override
          public List<Coder<?>> dispatchSet(Coder<?> elementCoder) {
            return List.of(elementCoder);
          }

          @Override
          public List<Coder<?>> dispatchMultimap(Coder<?> keyCoder, Coder<?> valueCoder) {
            return List.of(keyCoder, valueCoder);
          }
        });
  }

  private static void check(String where, Coder<?> coder, List<String> found) {
    Coder<?> java = javaSerializing(coder);
    if (java != null) {
      found.add(where + ": " + coder + (java == coder ? "" : " (its " + java + ")"));
    }
  }

  /**
   * A read's own plumbing: Beam's reads carry their source (ours too: the socket's) or their IO's
   * configuration (CassandraIO's read, a transform) that way, one element per source or split.
   */
  private static boolean isReadPlumbing(Class<?> type) {
    return Source.class.isAssignableFrom(type) || PTransform.class.isAssignableFrom(type);
  }

  /** The part of the coder that Java-serializes something other than a read's plumbing, or null. */
  private static Coder<?> javaSerializing(Coder<?> coder) {
    if (coder instanceof SerializableCoder<?> java && !isReadPlumbing(java.getRecordType())) {
      return coder;
    }
    List<Coder<?>> parts = new ArrayList<>(coder.getCoderArguments());
    if (coder instanceof StructuredCoder<?> structured) {
      parts.addAll(structured.getComponents());
    }
    if (coder instanceof RecordCoder<?> record) {
      parts.addAll(record.componentCoders());
    }
    if (coder instanceof DelegateCoder<?, ?> delegate) {
      parts.add(delegate.getCoder());
    }
    for (Coder<?> part : parts) {
      Coder<?> java = javaSerializing(part);
      if (java != null) {
        return java;
      }
    }
    return null;
  }
}
