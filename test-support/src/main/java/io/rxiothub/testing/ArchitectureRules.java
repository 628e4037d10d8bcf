// The architecture rules every rxiothub module checks in its own ArchitectureTest (STYLE.md §1).
package io.rxiothub.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Reusable ArchUnit rules: the public API never leaks internals, and the pure modules stay pure. */
public final class ArchitectureRules {

  private ArchitectureRules() {}

  /** Each base package's import, made once per JVM (surefire runs a module's tests in one JVM). */
  private static final Map<String, JavaClasses> IMPORTED = new ConcurrentHashMap<>();

  /**
   * Returns the production classes of {@code basePackage} and its sub-packages: those in the classpath's
   * directories (the module's own {@code target/classes}), never a jar's or a test's. Imported once per JVM and
   * shared by every test (a {@link JavaClasses} is immutable): a test class gets a new instance per test method,
   * and each import took seconds. Classes they refer to outside the import are not read from the classpath
   * (test-support's {@code archunit.properties}): a rule judges them by name, not by their supertypes or enclosing
   * class (see {@link #namedAsOrNestedIn}).
   *
   * @throws IllegalStateException if no classpath directory holds {@code basePackage}
   */
  public static JavaClasses productionClasses(String basePackage) {
    return IMPORTED.computeIfAbsent(basePackage, ArchitectureRules::importDirectories);
  }

  private static JavaClasses importDirectories(String basePackage) {
    // ArchUnit's importPackages also opens every jar of the classpath to find the package, then drops them
    // (DO_NOT_INCLUDE_JARS): a second or more per import on a module's classpath of a hundred jars.
    List<URL> directories = new ArrayList<>();
    try {
      Enumeration<URL> found = Thread.currentThread().getContextClassLoader()
          .getResources(basePackage.replace('.', '/'));
      while (found.hasMoreElements()) {
        URL url = found.nextElement();
        if (url.getProtocol().equals("file")) {
          directories.add(url);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the classpath's folders of " + basePackage, e);
    }
    if (directories.isEmpty()) {
      throw new IllegalStateException("no classpath folder holds package " + basePackage
          + ": production classes are imported from the module's target/classes, not from jars");
    }
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importUrls(directories);
  }

  /**
   * Accepts each of {@code classes} and the classes nested in it (its inner, anonymous and local classes), by name:
   * ArchUnit's {@code belongToAnyOf} asks a class for its enclosing class, which a class outside the import (a
   * JDK or library class, see {@link #productionClasses}) does not know, so it would miss a dependency on, for
   * example, {@code Thread.State}.
   */
  public static DescribedPredicate<JavaClass> namedAsOrNestedIn(Class<?>... classes) {
    List<String> names = new ArrayList<>();
    for (Class<?> c : classes) {
      names.add(c.getName());
    }
    return DescribedPredicate.describe("named as or nested in any of " + names,
        c -> names.stream().anyMatch(n -> c.getName().equals(n) || c.getName().startsWith(n + "$")));
  }

  /**
   * No public or protected member of an exported type (one outside any {@code internal} package)
   * mentions an {@code internal} type: not in a field, a parameter, a return type, a thrown exception,
   * a type argument, a supertype or an implemented interface.
   */
  public static ArchRule noInternalTypesInPublicApi(String basePackage) {
    return classes()
        .that().resideInAPackage(basePackage + "..")
        .and().resideOutsideOfPackage("..internal..")
        .and().arePublic()
        .should(new ArchCondition<JavaClass>("expose no internal type in their public API") {
          @Override
          public void check(JavaClass type, ConditionEvents events) {
            for (String violation : internalTypesExposedBy(type)) {
              events.add(SimpleConditionEvent.violated(type, violation));
            }
          }
        })
        .allowEmptyShould(false);
  }

  /**
   * Classes of a sans-I/O module ({@code sas}, {@code twin}, {@code methods}) use no networking, MQTT,
   * reactive or threading library.
   */
  public static ArchRule noNetworkingOrMqtt(String basePackage) {
    return noClasses()
        .that().resideInAPackage(basePackage + "..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "java.net..", "javax.net..", "java.nio.channels..", "com.hivemq..", "io.netty..",
            "io.reactivex..", "org.eclipse.paho..", "io.rxiothub.device..", "io.rxiothub.emulator..")
        .because("sas, twin and methods are sans-I/O: protocol logic only, bytes meet the network in device-client")
        .allowEmptyShould(false);
  }

  /**
   * No public or protected member of an exported type of {@code basePackage} (one outside any
   * {@code internal} package) mentions a type that {@code unwanted} accepts, in the same places
   * {@link #noInternalTypesInPublicApi} looks: the public API speaks only its own types, the JDK's and
   * the libraries it means to expose.
   */
  public static ArchRule publicApiMentionsNo(String basePackage, DescribedPredicate<JavaClass> unwanted) {
    return classes()
        .that().resideInAPackage(basePackage + "..")
        .and().resideOutsideOfPackage("..internal..")
        .and().arePublic()
        .should(new ArchCondition<JavaClass>("expose no " + unwanted.getDescription()
            + " type in their public API") {
          @Override
          public void check(JavaClass type, ConditionEvents events) {
            for (String violation : typesExposedBy(type, unwanted)) {
              events.add(SimpleConditionEvent.violated(type, violation));
            }
          }
        })
        .allowEmptyShould(false);
  }

  /**
   * Every public method of a class in an exported package of {@code basePackage} that returns one of
   * RxJava 3's reactive types ({@code Completable}, {@code Single}, {@code Maybe}, {@code Flowable},
   * {@code Observable}) carries RxJava's {@code @CheckReturnValue}: nothing happens until the caller
   * subscribes, so dropping the returned value is a bug that IDEs and Error Prone then flag.
   */
  public static ArchRule coldTypesCheckReturnValue(String basePackage) {
    return classes()
        .that().resideInAPackage(basePackage + "..")
        .and().resideOutsideOfPackage("..internal..")
        .should(new ArchCondition<JavaClass>("annotate public methods returning an Rx type with @"
            + CHECK_RETURN_VALUE) {
          @Override
          public void check(JavaClass type, ConditionEvents events) {
            for (JavaMethod method : type.getMethods()) {
              if (method.getModifiers().contains(JavaModifier.PUBLIC)
                  && !method.getModifiers().contains(JavaModifier.SYNTHETIC)
                  && !method.getModifiers().contains(JavaModifier.BRIDGE)
                  && RX_TYPES.contains(method.getRawReturnType().getName())
                  && !method.isAnnotatedWith(CHECK_RETURN_VALUE)) {
                events.add(SimpleConditionEvent.violated(method, method.getFullName() + " returns "
                    + method.getRawReturnType().getSimpleName() + " but is not annotated @CheckReturnValue"));
              }
            }
          }
        })
        .allowEmptyShould(false);
  }

  /**
   * Classes of an exported package of {@code basePackage} report a null argument as
   * {@code IllegalArgumentException("<parameter> must not be null")} (STYLE.md §3): they neither call
   * {@code Objects.requireNonNull} with a message or a message supplier (the NullPointerException
   * idiom for argument checks) nor throw {@code NullPointerException} themselves. The one-argument
   * {@code Objects.requireNonNull(x)} stays allowed: it asserts our own invariants, not arguments. A subclass of
   * {@code NullPointerException} counts if it is among the imported classes (a library's is a stub whose
   * supertypes are unknown: see {@link #productionClasses}).
   */
  public static ArchRule nullArgumentsFailWithIllegalArgument(String basePackage) {
    return noClasses()
        .that().resideInAPackage(basePackage + "..")
        .and().resideOutsideOfPackage("..internal..")
        .should().callMethod(Objects.class, "requireNonNull", Object.class, String.class)
        .orShould().callMethod(Objects.class, "requireNonNull", Object.class, Supplier.class)
        .orShould().callConstructorWhere(DescribedPredicate.describe("NullPointerException",
            call -> call.getTargetOwner().isAssignableTo(NullPointerException.class)))
        .because("STYLE.md §3: a null argument is bad input and throws IllegalArgumentException naming the "
            + "parameter")
        .allowEmptyShould(true);
  }

  private static Set<String> internalTypesExposedBy(JavaClass type) {
    return typesExposedBy(type, INTERNAL);
  }

  private static Set<String> typesExposedBy(JavaClass type, DescribedPredicate<JavaClass> unwanted) {
    Set<String> out = new LinkedHashSet<>();
    for (JavaClass supertype : type.getRawInterfaces()) {
      addIf(out, supertype, type.getName() + " implements", unwanted);
    }
    type.getRawSuperclass().ifPresent(s -> addIf(out, s, type.getName() + " extends", unwanted));
    for (JavaField field : type.getFields()) {
      if (isExported(field)) {
        for (JavaClass involved : field.getType().getAllInvolvedRawTypes()) {
          addIf(out, involved, "field " + field.getFullName(), unwanted);
        }
      }
    }
    for (JavaCodeUnit unit : type.getCodeUnits()) {
      if (!isExported(unit)) {
        continue;
      }
      for (JavaClass involved : unit.getReturnType().getAllInvolvedRawTypes()) {
        addIf(out, involved, unit.getFullName() + " returns", unwanted);
      }
      unit.getParameterTypes().forEach(p -> p.getAllInvolvedRawTypes()
          .forEach(involved -> addIf(out, involved, unit.getFullName() + " takes", unwanted)));
      unit.getThrowsClause().getTypes().forEach(t -> addIf(out, t, unit.getFullName() + " throws", unwanted));
    }
    return out;
  }

  private static boolean isExported(JavaMember member) {
    return member.getModifiers().contains(JavaModifier.PUBLIC)
        || member.getModifiers().contains(JavaModifier.PROTECTED);
  }

  private static void addIf(Set<String> out, JavaClass candidate, String where,
      DescribedPredicate<JavaClass> unwanted) {
    if (unwanted.test(candidate)) {
      out.add(where + " " + unwanted.getDescription() + " type " + candidate.getName());
    }
  }

  private static final String CHECK_RETURN_VALUE = "io.reactivex.rxjava3.annotations.CheckReturnValue";

  private static final Set<String> RX_TYPES = new HashSet<>(Arrays.asList(
      "io.reactivex.rxjava3.core.Completable", "io.reactivex.rxjava3.core.Single",
      "io.reactivex.rxjava3.core.Maybe", "io.reactivex.rxjava3.core.Flowable",
      "io.reactivex.rxjava3.core.Observable"));

  private static final DescribedPredicate<JavaClass> INTERNAL =
      DescribedPredicate.describe("internal", c -> c.getPackageName().contains(".internal"));
}
