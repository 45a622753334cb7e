package dev.parley.application.fakes;

import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.PersonaId;
import dev.parley.domain.persona.Personas;
import java.util.List;
import java.util.Optional;

/** {@link Personas} over a fixed list. */
public final class InMemoryPersonas implements Personas {
    private final List<Persona> personas;

    public InMemoryPersonas(Persona... personas) {
        this.personas = List.of(personas);
    }

    @Override
    public List<Persona> all() {
        return personas;
    }

    @Override
    public Optional<Persona> find(PersonaId id) {
        return personas.stream().filter(p -> p.id().equals(id)).findFirst();
    }
}
