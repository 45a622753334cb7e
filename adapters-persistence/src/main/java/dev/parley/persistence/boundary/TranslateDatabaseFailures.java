package dev.parley.persistence.boundary;

import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a persistence adapter (or a method of one) whose callers must see an unreachable database as
 * {@code DATABASE_UNAVAILABLE}, never as a JPA, JTA or JDBC exception: see
 * {@link DatabaseFailureInterceptor} and {@link DatabaseFailures}.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface TranslateDatabaseFailures {
}
