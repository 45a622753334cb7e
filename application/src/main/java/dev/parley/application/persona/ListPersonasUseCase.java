package dev.parley.application.persona;

import dev.parley.domain.persona.Persona;
import java.util.List;

/** Lists the personas a user can start a chat with. */
public interface ListPersonasUseCase {
    List<Persona> list();
}
