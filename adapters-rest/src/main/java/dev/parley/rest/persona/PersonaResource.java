package dev.parley.rest.persona;

import dev.parley.application.persona.ListPersonasUseCase;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.UUID;

/** {@code GET /api/personas}: who the caller can chat with (system prompts stay private). */
@Path("personas")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class PersonaResource {
    public record PersonaJson(UUID id, String name, String description) {
    }

    @Inject
    ListPersonasUseCase listPersonas;

    @GET
    public List<PersonaJson> list() {
        return listPersonas.list().stream()
                .map(p -> new PersonaJson(p.id().value(), p.name(), p.description()))
                .toList();
    }
}
