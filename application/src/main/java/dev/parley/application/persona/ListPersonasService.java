package dev.parley.application.persona;

import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.Personas;
import java.util.List;
import java.util.Objects;

public final class ListPersonasService implements ListPersonasUseCase {
    private final Personas personas;

    public ListPersonasService(Personas personas) {
        this.personas = Objects.requireNonNull(personas, "personas");
    }

    @Override
    public List<Persona> list() {
        return personas.all();
    }
}
