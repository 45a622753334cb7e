package dev.parley.rest.debug;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource method whose {@value DebugFaults#HEADER} header is honoured: {@link DebugFaultsFilter}
 * arms it for the chat named by the method's {@code {chatId}} path parameter before the method runs
 * and disarms it when the response is ready.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface ArmsDebugFaults {
}
