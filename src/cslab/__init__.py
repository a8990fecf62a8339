"""cslab: the open-source platform of a university Citizen Science Lab."""
