package dev.streamstate.pipelines;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of the project's production code, checked on its compiled classes: the domain
 * ({@code transforms}) knows Beam only, the runner knows Beam and Spark only, the local stack is a
 * tool of the commands and tests, and no two packages depend on each other. This module sees every
 * other one but the benchmarks and the conformance run, which nothing depends on. A violation fails
 * with the rule's sentence and every offending dependency.
 */
class LayeringTest {
  private static final String TRANSFORMS = "dev.streamstate.transforms..";
  private static final String RUNNERS = "dev.streamstate.runners..";
  private static final String PIPELINES = "dev.streamstate.pipelines..";
  private static final String TESTING = "dev.streamstate.testing..";
  private static final String LOCAL_STACK = "dev.streamstate.localstack..";
  private static final String SPARK = "org.apache.spark..";

  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.streamstate");
  }

  @Test
  void transformsUseNeitherPipelinesRunnersTestingNorSpark() {
    check(
        noClasses()
            .that()
            .resideInAPackage(TRANSFORMS)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(PIPELINES, RUNNERS, TESTING, SPARK)
            .as("Transforms never use pipelines, runners, testing or Spark"));
  }

  @Test
  void runnersUseNeitherPipelinesNorTransforms() {
    check(
        noClasses()
            .that()
            .resideInAPackage(RUNNERS)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(PIPELINES, TRANSFORMS)
            .as("Runners never use pipelines or transforms"));
  }

  @Test
  void neitherTransformsNorRunnersUseTheLocalStack() {
    check(
        noClasses()
            .that()
            .resideInAnyPackage(TRANSFORMS, RUNNERS)
            .should()
            .dependOnClassesThat()
            .resideInAPackage(LOCAL_STACK)
            .as("The local stack is never used by transforms or runners"));
  }

  @Test
  void noCyclesBetweenPackages() {
    check(
        slices()
            .matching("dev.streamstate.(**)")
            .should()
            .beFreeOfCycles()
            .as("No cycles between the project's packages"));
  }

  /** Fails with the rule's sentence and each dependency that breaks it. */
  private static void check(ArchRule rule) {
    rule.check(production);
  }
}
