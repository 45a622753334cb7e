package dev.parley.domain.persona;

import java.util.List;
import java.util.Optional;

/** Port: the catalogue of personas. */
public interface Personas {
    List<Persona> all();

    Optional<Persona> find(PersonaId id);
}
