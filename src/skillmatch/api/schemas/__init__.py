"""Request and response models of the API, one module per resource (inputs and outputs
are separate models; every one carries an example for the OpenAPI document)."""
