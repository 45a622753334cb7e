package dev.parley.persistence.persona;

import dev.parley.domain.persona.Persona;
import dev.parley.domain.persona.PersonaId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

@Entity(name = "PersonaJpaEntity")
@Table(name = "personas")
class PersonaJpaEntity {
    @Id
    UUID id;

    @Column(nullable = false)
    String name;

    @Column(nullable = false)
    String description;

    @Column(name = "system_prompt", nullable = false)
    String systemPrompt;

    protected PersonaJpaEntity() {
    }

    Persona toDomain() {
        return new Persona(new PersonaId(id), name, description, systemPrompt);
    }
}
