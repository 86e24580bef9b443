-- set_survival_goal__up: zone -> region survival
ALTER DATABASE bluemarble SURVIVE REGION FAILURE;
