// The jqwik side of the secrets scan: registered globally (META-INF/services), fails a property whose run
// logged a secret.
package io.rxiothub.testing;

import java.lang.reflect.AnnotatedElement;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/** Scans the output of each jqwik property, as {@link SecretScanExtension} does for Jupiter tests. */
public final class SecretScanHook implements AroundPropertyHook {

  @Override
  public PropagationMode propagateTo() {
    return PropagationMode.ALL_DESCENDANTS;
  }

  @Override
  public boolean appliesTo(Optional<AnnotatedElement> element) {
    return true;
  }

  @Override
  public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context,
      PropertyExecutor property) {
    SecretScanExtension.install();
    SecretScanExtension.drainFindings();
    PropertyExecutionResult result = property.execute();
    List<String> findings = SecretScanExtension.drainFindings();
    if (result.throwable().isPresent()) {
      findings.addAll(SecretScanner.find(SecretScanner.textOf(result.throwable().get())));
    }
    if (findings.isEmpty()) {
      return result;
    }
    return result.mapToFailed(new AssertionError("Output or failure of " + context.label()
        + " shows " + findings.size() + " secret(s): " + findings));
  }
}
